import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { PAGE_PARAMS } from '../../../lib/background/page-protocol';
import { ExtensionError } from '../../../lib/errors/extension-error';
import { dispatch, withSchemas } from '../../../lib/messaging/channel';

interface TestMap {
  connect(params: { provider: string; mode: 'callback' | 'oob' }): string;
}
const schemas = { connect: z.object({ provider: z.string(), mode: z.enum(['callback', 'oob']) }) };

describe('withSchemas: parameters checked once, beside the map, before any handler', () => {
  it('hands the handler parameters of its shape, unknown fields dropped', async () => {
    const connect = vi.fn(async (params: { provider: string; mode: 'callback' | 'oob' }) => JSON.stringify(params));
    const handlers = withSchemas<TestMap>(schemas, { connect });
    await expect(handlers.connect({ provider: 'x', mode: 'oob', extra: 1 } as never)).resolves.toBe(
      '{"provider":"x","mode":"oob"}',
    );
  });

  it.each([
    ['a bad mode, never quietly callback', { provider: 'x', mode: 'sideways' }],
    ['no mode', { provider: 'x' }],
    ['a number for a string', { provider: 1, mode: 'oob' }],
    ['null', null],
  ])('refuses %s as invalid_message, naming the field, and never calls the handler', async (_what, params) => {
    const connect = vi.fn(async () => 'called');
    const answer = await dispatch(
      withSchemas<TestMap>(schemas, { connect }),
      { channel: 'test', name: 'connect', params },
      undefined,
    );
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    if (!answer.ok) expect(answer.error.message).toMatch(/^connect: /);
    expect(connect).not.toHaveBeenCalled();
  });

  it('the pages’ map refuses what the hand checks refused, and takes what they took', () => {
    expect(PAGE_PARAMS.connect.safeParse({ provider: 'x', mode: 'sideways' }).success).toBe(false);
    expect(PAGE_PARAMS.connect.safeParse({ provider: 'x', mode: 'oob', access: 'read' }).success).toBe(true);
    expect(PAGE_PARAMS.connect.safeParse({ provider: 'x', mode: 'oob', access: 'admin' }).success).toBe(false);
    expect(PAGE_PARAMS.submitPin.safeParse({ flowId: 'f', pin: 'p'.repeat(513) }).success).toBe(false);
    expect(PAGE_PARAMS.saveSettings.safeParse({ companionUrl: 'https://c', consentTimeoutSeconds: 4 }).success).toBe(
      false,
    );
    expect(PAGE_PARAMS.saveSettings.safeParse({ companionUrl: 'https://c', consentTimeoutSeconds: 60.5 }).success).toBe(
      false,
    );
    expect(PAGE_PARAMS.answerConsent.safeParse({ id: 'q', decision: 'maybe' }).success).toBe(false);
    expect(PAGE_PARAMS.getState.safeParse({}).success).toBe(true);
  });

  it('judges the context first (`first`): a refused sender gets its refusal whatever its parameters', async () => {
    const connect = vi.fn(async () => 'called');
    const first = (sender: string) => {
      if (sender !== 'ours') throw new ExtensionError('sender_refused', 'not ours');
    };
    const handlers = withSchemas<TestMap, string>(schemas, { connect }, first);
    for (const params of [null, { provider: 'x', mode: 'oob' }]) {
      const answer = await dispatch(handlers, { channel: 'test', name: 'connect', params }, 'theirs');
      expect(answer).toMatchObject({ ok: false, error: { code: 'sender_refused' } });
    }
    expect(await dispatch(handlers, { channel: 'test', name: 'connect', params: null }, 'ours')).toMatchObject({
      ok: false,
      error: { code: 'invalid_message' },
    });
    expect(connect).not.toHaveBeenCalled();
  });
});
