import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { InvalidMessage } from '../../../lib/messaging/channel';

// The browser is the boundary (WXT's in-memory fakeBrowser); a refused message never reaches it.
vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
const openTab = vi.spyOn(fakeBrowser.tabs, 'create');

const { pageHandlers } = await import('../../../lib/background/page-handlers');
const sender = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/popup.html') };

describe('connect: its parameters are checked, never quietly replaced', () => {
  it.each([
    ['an unknown mode', { provider: 'x', mode: 'sideways' }],
    ['no mode', { provider: 'x' }],
    ['an unknown access level', { provider: 'x', mode: 'callback', access: 'admin' }],
    ['a non-string access', { provider: 'x', mode: 'callback', access: 1 }],
  ])('refuses %s as an invalid message', async (_what, params) => {
    await expect(pageHandlers.connect(params as never, sender as never)).rejects.toBeInstanceOf(InvalidMessage);
    expect(openTab).not.toHaveBeenCalled();
  });
});
