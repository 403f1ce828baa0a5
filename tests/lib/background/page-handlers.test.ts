import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { InvalidMessage } from '../../../lib/messaging/channel';

// The browser is the boundary; a refused message never reaches it.
const openTab = vi.fn();
vi.mock('webextension-polyfill', () => ({
  default: { runtime: { id: 'our-extension-id' }, tabs: { create: openTab } },
}));

const { pageHandlers } = await import('../../../lib/background/page-handlers');
const sender = { id: 'our-extension-id', url: 'chrome-extension://our-extension-id/popup.html' };

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
