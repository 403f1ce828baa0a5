import 'fake-indexeddb/auto';
import { createHash, randomBytes } from 'node:crypto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { CompanionClientError, createCompanionClient } from '../../../lib/companion-client/client';
import { createProof } from '../../../lib/companion-client/dpop-proof';
import { companionRequest } from '../../../lib/consent/companion-request';
import { parseSignedActionRequest } from '../../../lib/messaging/content-params';
import type { ProxyRequest, ProxyResponse } from '../../../lib/protocol';
import { loadOrCreateInstallKey } from '../../../lib/storage/install-key';
import { guardStore } from '../../../lib/storage/registry';
import { verifyProof } from '../../../server/dpop/verify-proof';
import { DEV_ORIGIN, makeHarness, PUBLIC_URL } from '../../support/companion-harness';

let stores = 0;
const freshStore = () => guardStore(createStore(`test-${++stores}`, 'state'));

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

const sha256 = (bytes: Uint8Array | ArrayBuffer) =>
  createHash('sha256')
    .update(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes)
    .digest('hex');

describe('the companion client sending files', () => {
  const answer: ProxyResponse = { status: 200, headers: {}, body: '{}', bodyEncoding: 'utf8' };

  /** A client whose fetch reads each request as the companion would: headers, and the body parsed by its type. */
  async function clientSeeing() {
    const seen: { url: string; method: string; headers: Headers; form?: FormData; json?: unknown }[] = [];
    const client = createCompanionClient({
      baseUrl: 'http://companion.test/',
      keyPair: await loadOrCreateInstallKey(freshStore()),
      fetch: async (input, init) => {
        // The body as it goes over the wire, boundary and all, then parsed back.
        const request = new Request(input as string, init);
        const type = request.headers.get('content-type') ?? '';
        seen.push({
          url: request.url,
          method: request.method,
          headers: request.headers,
          ...(type.startsWith('multipart/form-data')
            ? { form: await request.formData() }
            : { json: await request.json() }),
        });
        return Response.json(answer);
      },
    });
    return { client, seen };
  }

  const input: ProxyRequest = {
    method: 'POST',
    url: 'https://api.x.com/2/media/upload',
    multipart: [
      { name: 'media', filename: 'harbour.png', contentType: 'image/png', file: 'f0', size: 70_000 },
      { name: 'media_category', value: 'tweet_image' },
      { name: 'thumb', filename: 't.bin', contentType: 'application/octet-stream', file: 'f2', size: 256 },
    ],
  };

  it('sends multipart/form-data: the request as the part "request", first, then each file in its part', async () => {
    const { client, seen } = await clientSeeing();
    const photo = randomBytes(70_000);
    const thumb = new Uint8Array(256).map((_, i) => i);
    const files = new Map([
      ['f0', new Blob([photo], { type: 'image/png' })],
      ['f2', new Blob([thumb])],
    ]);
    await expect(client.request('acc 1', input, files)).resolves.toEqual(answer);

    const [sent] = seen;
    expect(sent?.url).toBe('http://companion.test/v1/accounts/acc%201/requests');
    expect(sent?.method).toBe('POST');
    expect(sent?.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent?.headers.get('dpop')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const form = sent?.form as FormData;
    expect([...form.keys()]).toEqual(['request', 'f0', 'f2']);
    expect(JSON.parse(form.get('request') as string)).toEqual(input);
    const [f0, f2] = [form.get('f0') as File, form.get('f2') as File];
    expect(f0.size).toBe(70_000);
    expect(sha256(await f0.arrayBuffer())).toBe(sha256(photo));
    expect(new Uint8Array(await f2.arrayBuffer())).toEqual(thumb);
  });

  it('sends JSON as before without files, or with none in the map', async () => {
    const { client, seen } = await clientSeeing();
    const plain: ProxyRequest = { method: 'GET', url: 'https://api.x.com/2/users/me' };
    await client.request('acc-1', plain);
    await client.request('acc-1', plain, new Map());
    for (const sent of seen) {
      expect(sent.headers.get('content-type')).toBe('application/json');
      expect(sent.json).toEqual(plain);
    }
  });
});

describe('a content script’s photo through the companion client and the real companion app', () => {
  /** The real companion with the dev provider behind it, and a client of an install connected there as alice. */
  async function connected() {
    const h = await makeHarness();
    const client = createCompanionClient({
      baseUrl: PUBLIC_URL,
      keyPair: await loadOrCreateInstallKey(freshStore()),
      fetch: async (input, init) => h.app.request(input as string, init),
      now: () => h.clock.now,
    });
    const flow = await client.createFlow({ provider: 'dev' });
    const callback = new URL((await h.decide(flow.authorizeUrl, 'authorize')).location as string);
    const account = await client.completeFlow(flow.flowId, {
      oauthToken: callback.searchParams.get('oauth_token') as string,
      oauthVerifier: callback.searchParams.get('oauth_verifier') as string,
    });
    return { h, client, account };
  }

  it('reaches the provider byte for byte', async () => {
    const { h, client, account } = await connected();
    // As the background holds it: the content script's message, checked and decoded.
    const photo = randomBytes(120_000);
    const request = parseSignedActionRequest({
      provider: 'dev',
      method: 'POST',
      url: `${DEV_ORIGIN}/2/media/upload`,
      multipart: [
        {
          name: 'media',
          file: {
            filename: 'harbour.png',
            contentType: 'image/png',
            size: photo.length,
            base64: photo.toString('base64'),
            md5: createHash('md5').update(photo).digest('hex'),
          },
        },
        { name: 'media_category', value: 'tweet_image' },
      ],
    });
    const { input, files } = companionRequest(request);
    const sent = await client.request(account.id, input, files);
    expect(sent.status).toBe(200);
    const id = (JSON.parse(sent.body) as { data: { id: string } }).data.id;
    const stored = h.dev.state.media.get(id);
    expect(stored).toMatchObject({ contentType: 'image/png', category: 'tweet_image' });
    expect(sha256(stored?.bytes as Uint8Array)).toBe(sha256(photo));
  });

  it('is refused by the companion, and nothing sent on, when the bytes are not the MD5 the request declares', async () => {
    const { h, client, account } = await connected();
    const before = h.dev.state.media.size;
    const input: ProxyRequest = {
      method: 'POST',
      url: `${DEV_ORIGIN}/2/media/upload`,
      multipart: [
        { name: 'media', filename: 'a.png', contentType: 'image/png', file: 'f0', size: 1000, md5: '0'.repeat(32) },
        { name: 'media_category', value: 'tweet_image' },
      ],
    };
    const files = new Map([['f0', new Blob([randomBytes(1000)])]]);
    const error = await client.request(account.id, input, files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CompanionClientError);
    expect(error).toMatchObject({ code: 'upload_mismatch', status: 400 });
    expect(h.dev.state.media.size).toBe(before);
  });
});
