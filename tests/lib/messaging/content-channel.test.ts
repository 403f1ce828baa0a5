import { describe, expect, it, vi } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import type { Handlers } from '../../../lib/messaging/channel';
import type { ContentToBackground, SignedActionResult } from '../../../lib/messaging/content-protocol';

// The browser API is the boundary: the listener itself never calls it, but importing the module loads it.
vi.mock('webextension-polyfill', () => ({ default: { runtime: { id: 'our-extension-id' } } }));

const { contentMessageListener } = await import('../../../lib/messaging/content-channel');

const result: SignedActionResult = {
  status: 200,
  headers: {},
  body: '{}',
  bodyEncoding: 'utf8',
  account: { id: 'acc-1', provider: 'x', screenName: 'alice' },
};
const params = { provider: 'x', method: 'GET', url: 'https://api.x.com/1.1/a.json' };
const envelope = { channel: 'content→background', name: 'requestSignedAction', params };
const sender: Runtime.MessageSender = {
  id: 'our-extension-id',
  url: 'https://site.example/',
  frameId: 0,
};

function listenerWith(handler: Handlers<ContentToBackground, Runtime.MessageSender>['requestSignedAction']) {
  return contentMessageListener({ requestSignedAction: handler });
}

describe('content script → background channel', () => {
  it('hands the handler the params and the sender as the browser reported it', async () => {
    const handler = vi.fn(() => result);
    await expect(listenerWith(handler)(envelope, sender)).resolves.toEqual({ ok: true, value: result });
    expect(handler).toHaveBeenCalledWith(params, sender);
  });

  it('leaves messages of other channels to other listeners', () => {
    const handler = vi.fn(() => result);
    const listener = listenerWith(handler);
    expect(listener({ ...envelope, channel: 'page→background' }, sender)).toBeUndefined();
    expect(listener('requestSignedAction', sender)).toBeUndefined();
    expect(listener(null, sender)).toBeUndefined();
    expect(listener({ channel: 'content→background', name: 42 }, sender)).toBeUndefined();
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers unknown_message for names without a handler, prototype names included', async () => {
    const listener = listenerWith(() => result);
    for (const name of ['deleteEverything', 'toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      await expect(listener({ ...envelope, name }, sender)).resolves.toMatchObject({
        ok: false,
        error: { code: 'unknown_message' },
      });
    }
  });

  it('keeps the code of a thrown error, so the content script can tell refusals apart', async () => {
    const listener = listenerWith(() => {
      throw Object.assign(new Error('the user did not allow this'), { code: 'consent_denied' });
    });
    await expect(listener(envelope, sender)).resolves.toEqual({
      ok: false,
      error: { code: 'consent_denied', message: 'the user did not allow this' },
    });
  });

  it('answers internal_error for an error without a code, and for a rejected promise', async () => {
    const listener = listenerWith(async () => {
      throw new Error('storage is gone');
    });
    await expect(listener(envelope, sender)).resolves.toEqual({
      ok: false,
      error: { code: 'internal_error', message: 'storage is gone' },
    });
  });
});
