import { describe, expect, it } from 'vitest';
import { describeError } from '../../../components/error-words';
import { CompanionClientError, createCompanionClient } from '../../../lib/companion-client/client';
import {
  ExtensionError,
  FileTooLarge,
  InvalidMessage,
  isExtensionErrorCode,
} from '../../../lib/errors/extension-error';
import { dispatch } from '../../../lib/messaging/channel';
import { ERROR_CODES } from '../../../lib/protocol';

const keyPair = () => crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);

/** A companion that answers every call with one problem. */
async function clientAnswering(status: number, problem: Record<string, unknown>, headers: Record<string, string> = {}) {
  return createCompanionClient({
    baseUrl: 'http://companion.test',
    keyPair: await keyPair(),
    fetch: async () =>
      new Response(JSON.stringify(problem), {
        status,
        headers: { 'content-type': 'application/problem+json', ...headers },
      }),
  });
}

describe('ExtensionError: one error type, one code union', () => {
  it('knows the companion’s codes and the extension’s own, and nothing else', () => {
    for (const code of ERROR_CODES) expect(isExtensionErrorCode(code)).toBe(true);
    expect(isExtensionErrorCode('consent_denied')).toBe(true);
    expect(isExtensionErrorCode('made_up')).toBe(false);
    expect(isExtensionErrorCode(8)).toBe(false);
  });

  it('is the base of every error the extension throws with a code', () => {
    expect(new InvalidMessage('x')).toMatchObject({ name: 'InvalidMessage', code: 'invalid_message' });
    expect(new FileTooLarge('x')).toMatchObject({ name: 'FileTooLarge', code: 'file_too_large' });
    expect(new CompanionClientError('rate_limited', 'x', 429)).toBeInstanceOf(ExtensionError);
    expect(new InvalidMessage('x')).toBeInstanceOf(ExtensionError);
  });

  it('crosses a channel as data and comes back the same', () => {
    const error = new ExtensionError('rate_limited', 'over the limit', { status: 429, retryAfterSeconds: 17 });
    const data = error.toData();
    expect(data).toEqual({ code: 'rate_limited', message: 'over the limit', retryAfterSeconds: 17 });
    expect(structuredClone(data)).toEqual(data);
    expect(ExtensionError.fromData(data)).toMatchObject(data);
  });

  it('takes anything thrown: a known code is kept, an unknown or numeric one is internal_error', () => {
    expect(ExtensionError.from(Object.assign(new Error('no'), { code: 'consent_denied' })).code).toBe('consent_denied');
    expect(ExtensionError.from(Object.assign(new Error('gone'), { code: 8 })).code).toBe('internal_error');
    expect(ExtensionError.from(Object.assign(new Error('?'), { code: 'made_up' })).code).toBe('internal_error');
    expect(ExtensionError.from('a string')).toMatchObject({ code: 'internal_error', message: 'a string' });
  });
});

describe('what a user needs from the companion’s answer reaches the page', () => {
  it('keeps Retry-After of rate_limited through the client and dispatch, and says it in words', async () => {
    const client = await clientAnswering(429, { code: 'rate_limited', detail: 'slow down' }, { 'retry-after': '42' });
    const handlers = { listProviders: () => client.providers() };
    const answer = await dispatch(handlers, { channel: 'test', name: 'listProviders', params: {} }, undefined);
    expect(answer).toEqual({
      ok: false,
      error: { code: 'rate_limited', message: 'slow down', retryAfterSeconds: 42 },
    });
    if (!answer.ok) {
      expect(describeError(answer.error)).toBe('Too many attempts. Try again in 42 seconds.');
    }
  });

  it('keeps body_too_large’s limitBytes', async () => {
    const client = await clientAnswering(413, { code: 'body_too_large', detail: 'too big', limitBytes: 20_000_000 });
    const error = await client.accounts().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'body_too_large', status: 413, limitBytes: 20_000_000 });
    expect(describeError(error as ExtensionError)).toBe(
      'The request is larger than the companion accepts. The limit is 20 MB.',
    );
  });

  it('ignores a Retry-After that is not whole seconds', async () => {
    const client = await clientAnswering(503, { code: 'companion_busy', detail: 'busy' }, { 'retry-after': 'soon' });
    const error = await client.accounts().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'companion_busy' });
    expect((error as ExtensionError).retryAfterSeconds).toBeUndefined();
    expect(describeError(error as ExtensionError)).toBe('The companion is busy. Wait a minute and try again.');
  });
});
