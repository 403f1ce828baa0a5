import { describe, expect, it } from 'vitest';
import { createCompanionClient } from '../../../lib/companion-client/client';

const keyPair = () => crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);

/** A companion that answers every call with `body` as JSON. */
async function answering(status: number, body: unknown) {
  return createCompanionClient({
    baseUrl: 'http://companion.test',
    keyPair: await keyPair(),
    fetch: async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  });
}

const account = {
  id: 'acc_1',
  provider: 'x',
  userId: '1',
  screenName: 'alice',
  createdAt: '2026-11-01T00:00:00.000Z',
  lastUsedAt: null,
  status: 'active',
  access: 'write',
  expiresAt: null,
};

describe('the companion’s answers are held to lib/protocol, never cast', () => {
  it('passes an answer of the contract through', async () => {
    await expect((await answering(200, { accounts: [account] })).accounts()).resolves.toEqual([account]);
  });

  it.each([
    ['a missing list', {}],
    ['an account without its status', { accounts: [{ ...account, status: undefined }] }],
    ['an unknown status', { accounts: [{ ...account, status: 'happy' }] }],
    ['a number for a screen name', { accounts: [{ ...account, screenName: 7 }] }],
  ])('answers bad_answer for %s', async (_what, body) => {
    await expect((await answering(200, body)).accounts()).rejects.toMatchObject({ code: 'bad_answer', status: 200 });
  });

  it('answers bad_answer for a proxy answer without its encoding', async () => {
    const client = await answering(200, { status: 200, headers: {}, body: '' });
    await expect(client.request('acc_1', { method: 'GET', url: 'https://api.x.com/2/me' })).rejects.toMatchObject({
      code: 'bad_answer',
    });
  });

  it('answers bad_answer for an error that is not a problem of a known code', async () => {
    await expect((await answering(502, { error: 'Bad gateway' })).providers()).rejects.toMatchObject({
      code: 'bad_answer',
      status: 502,
    });
    await expect((await answering(400, { code: 'made_up', detail: 'x' })).providers()).rejects.toMatchObject({
      code: 'bad_answer',
    });
  });

  it('keeps a problem’s code and detail', async () => {
    await expect(
      (await answering(404, { code: 'account_not_found', detail: 'no such account' })).revoke('acc_1'),
    ).rejects.toMatchObject({ code: 'account_not_found', message: 'no such account', status: 404 });
  });
});
