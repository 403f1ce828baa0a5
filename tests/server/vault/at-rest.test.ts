import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../server/store/sqlite-store';
import { reencryptAll } from '../../../server/vault/rotate';
import { Vault } from '../../../server/vault/vault';
import { DEV_CONSUMER, DEV_ORIGIN, makeHarness } from '../../support/companion-harness';

function databaseFile() {
  return join(mkdtempSync(join(tmpdir(), 'oauth1-db-')), 'companion.db');
}

/** Every secret the dev provider handed out, plus the consumer secret. */
function secretsOf(h: Awaited<ReturnType<typeof makeHarness>>): string[] {
  return [...[...h.dev.state.accessTokens.values()].map((t) => t.secret), DEV_CONSUMER.secret];
}

describe('tokens at rest', () => {
  it('a dump of the database file shows no token secret, no token, no consumer secret', async () => {
    const path = databaseFile();
    const h = await makeHarness({ store: openSqliteStore(path) });
    await h.connect('1001');
    await h.connect('1002');
    const pending = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } }); // a request token secret too
    expect(pending.status).toBe(201);
    const tokens = [...h.dev.state.accessTokens.keys()];
    const requestSecrets = [...h.dev.state.requestTokens.values()].map((t) => t.secret);
    const dump = [path, `${path}-wal`]
      .filter(existsSync)
      .map((file) => readFileSync(file).toString('latin1'))
      .join('');
    expect(dump.length).toBeGreaterThan(0);
    for (const secret of [...secretsOf(h), ...tokens, ...requestSecrets]) expect(dump).not.toContain(secret);
    await h.store.close();
  });

  it('a restart loses no committed token: a new process on the same file and keys still signs', async () => {
    const path = databaseFile();
    const vaultKeys = [{ id: 'k1', key: randomBytes(32) }];
    const first = await makeHarness({ store: openSqliteStore(path), vaultKeys });
    const account = await first.connect('1001');
    await first.store.close();

    const second = await makeHarness({ store: openSqliteStore(path), vaultKeys });
    // The dev provider of the second harness is new: give it the first one's token.
    for (const [token, value] of first.dev.state.accessTokens) second.dev.state.accessTokens.set(token, value);
    const answer = await second.call('POST', `/v1/accounts/${account.id}/requests`, {
      body: { method: 'GET', url: `${DEV_ORIGIN}/1.1/account/verify_credentials.json` },
      as: first.install,
    });
    expect(answer.json.status).toBe(200);
    await second.store.close();
  });

  it('rotates keys: re-sealed under the newest key, after which the old key can go', async () => {
    const k1 = { id: 'k1', key: randomBytes(32) };
    const k2 = { id: 'k2', key: randomBytes(32) };
    const h = await makeHarness({ vaultKeys: [k1] });
    await h.connect('1001');
    await h.connect('1002');
    expect(await reencryptAll(h.store, new Vault([k2, k1]))).toEqual({
      resealed: 2,
      unchanged: 0,
      changedMeanwhile: 0,
    });
    expect(await reencryptAll(h.store, new Vault([k2, k1]))).toEqual({
      resealed: 0,
      unchanged: 2,
      changedMeanwhile: 0,
    });
    const onlyNew = new Vault([k2]);
    for (const row of await h.store.sealedAccountSecrets()) {
      expect(row.token.startsWith('v1.k2.')).toBe(true);
      expect(() => onlyNew.open(row.tokenSecret, `account:${row.id}:${row.installId}`)).not.toThrow();
    }
  });

  it('logs no secret, token, verifier or proof', async () => {
    let log = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        log += chunk.toString();
        done();
      },
    });
    const h = await makeHarness({ logger: pino({ level: 'trace' }, sink) });
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    const callback = new URL((await h.decide(created.json.authorizeUrl as string, 'authorize')).location as string);
    await h.app.request(callback.href); // the callback page, with the verifier in its query
    await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: {
        oauthToken: callback.searchParams.get('oauth_token'),
        oauthVerifier: callback.searchParams.get('oauth_verifier'),
      },
    });
    expect(log).toContain('"path":"/v1/flows"');
    const secrets = [
      ...secretsOf(h),
      ...h.dev.state.accessTokens.keys(),
      callback.searchParams.get('oauth_verifier') as string,
      callback.searchParams.get('oauth_token') as string,
    ];
    for (const secret of secrets) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT (DPoP proof)
  });
});
