/**
 * What the proxy's benchmarks (bench:proxy, bench:proxy-compare, bench:upload)
 * stand on: an upstream stub, the dev provider to connect through, and the
 * companion's provider file naming them; then an account connected as the
 * extension connects one, and proxied calls to it with proofs made ahead.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { devProviderEntry } from '../../server/dev-provider/companion-entry';
import { startDevProvider } from '../../server/dev-provider/start-dev-provider';
import type { TestInstall } from '../../tests/support/dpop';
import { freePort } from '../../tests/support/free-port';
import { authorizeOverHttp, callOverHttp } from '../../tests/support/real-companion';
import { startProcess } from '../support/processes';
import type { PreparedRequest } from './load';

export interface ProxyBench {
  readonly stub: ChildProcess;
  readonly stubPort: number;
  readonly consumer: { readonly key: string; readonly secret: string };
  readonly dev: Awaited<ReturnType<typeof startDevProvider>>;
  /** The companion's provider file (COMPANION_CONFIG): the dev provider, its API under the stub. */
  readonly configPath: string;
}

/**
 * Starts the stub (`stubScript`, its process logging into `dir`) and the dev provider, and writes the
 * provider file there, with the provider's API under `apiPath` of the stub.
 */
export async function startProxyBench(
  dir: string,
  { stubScript = 'bench/proxy/upstream-stub.ts', apiPath = '/1.1/' } = {},
): Promise<ProxyBench> {
  const stubPort = await freePort();
  const stub = await startProcess(stubScript, { PORT: String(stubPort) }, `http://127.0.0.1:${stubPort}/`, dir);
  const consumer = { key: 'bench-consumer', secret: randomBytes(18).toString('base64url') };
  const dev = await startDevProvider({
    port: 0,
    host: '127.0.0.1',
    consumerKey: consumer.key,
    consumerSecret: consumer.secret,
  });
  const configPath = join(dir, 'companion.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      providers: [devProviderEntry(dev.url, consumer.key, { apiBaseUrls: [`http://127.0.0.1:${stubPort}${apiPath}`] })],
    }),
  );
  return { stub, stubPort, consumer, dev, configPath };
}

/** Connects an account of `install` through the companion at `publicUrl` (flow, authorize, complete); its id. */
export async function connectAccount(publicUrl: string, install: TestInstall): Promise<string> {
  const created = await callOverHttp(publicUrl, publicUrl, install, 'POST', '/v1/flows', { provider: 'dev' });
  const callback = await authorizeOverHttp(created.json.authorizeUrl as string);
  const completed = await callOverHttp(
    publicUrl,
    publicUrl,
    install,
    'POST',
    `/v1/flows/${created.json.flowId}/complete`,
    {
      oauthToken: callback.searchParams.get('oauth_token'),
      oauthVerifier: callback.searchParams.get('oauth_verifier'),
    },
  );
  return (completed.json.account as { id: string }).id;
}

/**
 * `count` proxied calls of `account` to `url`, each with a proof of its own, made ahead (ES256
 * signatures: the client's signing is not timed); handed out in turn by the function returned.
 */
export async function proxiedCalls(
  publicUrl: string,
  install: TestInstall,
  accountId: string,
  url: string,
  count: number,
): Promise<() => PreparedRequest> {
  const path = `/v1/accounts/${accountId}/requests`;
  const body = JSON.stringify({ method: 'GET', url });
  const proofs = await Promise.all(Array.from({ length: count }, () => install.proof('POST', `${publicUrl}${path}`)));
  let next = 0;
  return () => ({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', dpop: proofs[next++] as string },
    body,
  });
}
