import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { CompanionClientError, createCompanionClient } from '../../../lib/companion-client/client';
import { createProof } from '../../../lib/companion-client/dpop-proof';
import { loadOrCreateInstallKey } from '../../../lib/storage/install-key';
import { verifyProof } from '../../../server/dpop/verify-proof';
import { DEV_ORIGIN, makeHarness, PUBLIC_URL } from '../../support/companion-harness';

let stores = 0;
const freshStore = () => createStore(`test-${++stores}`, 'state');

describe('the install key', () => {
  it('is made once, kept in IndexedDB, and its private half cannot be exported', async () => {
    const store = freshStore();
    const first = await loadOrCreateInstallKey(store);
    const again = await loadOrCreateInstallKey(store);
    expect(again.publicKey).toEqual(first.publicKey);
    expect(first.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', first.privateKey)).rejects.toThrow();
  });

  it('gives two callers racing at first start the same key, even when one generates slowly', async () => {
    const store = freshStore();
    const slow = Object.create(crypto.subtle) as SubtleCrypto;
    slow.generateKey = (async (...args: Parameters<SubtleCrypto['generateKey']>) => {
      const key = await crypto.subtle.generateKey(...args);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return key;
    }) as SubtleCrypto['generateKey'];
    const [a, b] = await Promise.all([loadOrCreateInstallKey(store), loadOrCreateInstallKey(store, slow)]);
    const jwk = (k: CryptoKeyPair) => crypto.subtle.exportKey('jwk', k.publicKey);
    expect(await jwk(b)).toEqual(await jwk(a));
    expect(await jwk(await loadOrCreateInstallKey(store))).toEqual(await jwk(a));
  });
});

describe('DPoP proofs made by the extension', () => {
  it('verify at the companion, for that method and URL only, once', async () => {
    const keyPair = await loadOrCreateInstallKey(freshStore());
    const seen = new Set<string>();
    const context = {
      method: 'POST',
      url: 'http://companion.test/v1/flows',
      now: Date.now(),
      remember: async (key: string) => !seen.has(key) && Boolean(seen.add(key)),
    };
    const proof = await createProof({
      keyPair,
      method: 'post',
      url: 'http://companion.test/v1/flows?x=1',
      now: Date.now(),
    });
    const { installId } = await verifyProof(proof, context);
    expect(installId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(verifyProof(proof, context)).rejects.toMatchObject({ code: 'dpop_replayed' });
    const other = await createProof({ keyPair, method: 'GET', url: 'http://companion.test/v1/flows', now: Date.now() });
    await expect(verifyProof(other, context)).rejects.toMatchObject({ code: 'dpop_mismatch' });
  });
});

describe('the companion client against the real companion app', () => {
  async function setup() {
    const h = await makeHarness();
    const keyPair = await loadOrCreateInstallKey(freshStore());
    const client = createCompanionClient({
      baseUrl: PUBLIC_URL,
      keyPair,
      fetch: async (input, init) => h.app.request(input as string, init),
      now: () => h.clock.now,
    });
    return { h, client };
  }

  it('connects, lists, proxies and revokes through the typed API', async () => {
    const { h, client } = await setup();
    expect(await client.providers()).toEqual([
      {
        id: 'dev',
        name: 'Dev provider',
        modes: ['callback', 'oob'],
        apiBaseUrls: expect.any(Array),
        accessLevels: ['read', 'write'],
      },
    ]);
    const flow = await client.createFlow({ provider: 'dev' });
    const callback = new URL((await h.decide(flow.authorizeUrl, 'authorize')).location as string);
    const account = await client.completeFlow(flow.flowId, {
      oauthToken: callback.searchParams.get('oauth_token') as string,
      oauthVerifier: callback.searchParams.get('oauth_verifier') as string,
    });
    expect(account.screenName).toBe('alice');
    expect(await client.accounts()).toEqual([account]);
    const answer = await client.request(account.id, {
      method: 'GET',
      url: `${DEV_ORIGIN}/1.1/account/verify_credentials.json`,
    });
    expect(JSON.parse(answer.body)).toMatchObject({ screen_name: 'alice' });
    expect(await client.revoke(account.id)).toEqual({ revoked: true, providerRevoked: true });
    expect(await client.accounts()).toEqual([]);
  });

  it('turns problems into errors with the companion’s code', async () => {
    const { client } = await setup();
    const error = await client.createFlow({ provider: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CompanionClientError);
    expect(error).toMatchObject({ code: 'unknown_provider', status: 404 });
    await expect(client.cancelFlow('missing')).rejects.toMatchObject({ code: 'flow_not_found' });
  });

  it('reports an unreachable companion as companion_unreachable', async () => {
    const keyPair = await loadOrCreateInstallKey(freshStore());
    const client = createCompanionClient({ baseUrl: 'http://127.0.0.1:9', keyPair });
    await expect(client.providers()).rejects.toMatchObject({ code: 'companion_unreachable' });
  });
});
