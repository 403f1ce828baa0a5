import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CompanionProcess, startCompanionProcess } from '../support/companion-process';
import { makeInstall, type TestInstall } from '../support/dpop';
import { freshDatabase } from '../support/fresh-database';
import { authorizeOverHttp, callOverHttp, REAL_CONSUMER, startRealDevProvider } from '../support/real-companion';

/** Both instances stand behind one public name, as behind a load balancer. */
const PUBLIC_URL = 'https://companion.example';

type Instance = CompanionProcess;

let real: Awaited<ReturnType<typeof startRealDevProvider>>;
let a: Instance;
let b: Instance;
let install: TestInstall;

beforeAll(async () => {
  real = await startRealDevProvider();
  const env = {
    PUBLIC_URL,
    DATABASE_URL: await freshDatabase(inject('postgresUrl')),
    VAULT_KEY: randomBytes(32).toString('base64'),
    COMPANION_CONFIG: real.configPath,
    DEV_CONSUMER_SECRET: REAL_CONSUMER.secret,
  };
  [a, b] = await Promise.all([startCompanionProcess(env), startCompanionProcess(env)]);
  install = await makeInstall();
}, 60_000);

afterAll(async () => {
  for (const instance of [a, b]) instance?.process.kill('SIGTERM');
  await real?.dev.close();
});

describe('two companion processes on one PostgreSQL', () => {
  it('completes on one instance a flow started on the other', async () => {
    const created = await callOverHttp(a.url, PUBLIC_URL, install, 'POST', '/v1/flows', { provider: 'dev' });
    expect(created.status).toBe(201);
    const callback = await authorizeOverHttp(created.json.authorizeUrl as string);
    const completed = await callOverHttp(
      b.url,
      PUBLIC_URL,
      install,
      'POST',
      `/v1/flows/${created.json.flowId}/complete`,
      {
        oauthToken: callback.searchParams.get('oauth_token'),
        oauthVerifier: callback.searchParams.get('oauth_verifier'),
      },
    );
    expect(completed.status).toBe(201);
    const onA = await callOverHttp(a.url, PUBLIC_URL, install, 'GET', '/v1/accounts');
    expect(onA.json.accounts).toEqual([completed.json.account]);
  });

  it('refuses on one instance a proof already used on the other', async () => {
    const proof = await install.proof('GET', `${PUBLIC_URL}/v1/accounts`);
    expect((await callOverHttp(a.url, PUBLIC_URL, install, 'GET', '/v1/accounts', undefined, proof)).status).toBe(200);
    const replayed = await callOverHttp(b.url, PUBLIC_URL, install, 'GET', '/v1/accounts', undefined, proof);
    expect(replayed.status).toBe(401);
    expect(replayed.json.code).toBe('dpop_replayed');
  });

  it('shuts down gracefully on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => b.process.once('exit', resolve));
    b.process.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
