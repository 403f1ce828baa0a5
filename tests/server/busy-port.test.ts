/**
 * A port already taken is the start-up failure people meet most (a second
 * `npm run server`, `npm start` left running): the companion must say which
 * port, which variable changes it and how to find what holds it, and exit
 * non-zero without a stack trace.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devProviderEntry } from '../../server/dev-provider/companion-entry';
import { startDevStack } from '../../server/dev-provider/dev-stack';
import { startDevProvider } from '../../server/dev-provider/start-dev-provider';
import { ensurePortFree, ListenError } from '../../server/listen';
import { companionExit } from '../support/companion-process';
import { freePort } from '../support/free-port';
import { companionEnvironment, REAL_CONSUMER } from '../support/real-companion';

let holder: Server;
let heldPort: number;
beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  heldPort = (holder.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

/** A valid configuration: start-up gets as far as listening. The provider need not run. */
async function environment(overrides: Record<string, string>) {
  const configPath = join(mkdtempSync(join(tmpdir(), 'oauth1-busy-port-')), 'companion.json');
  writeFileSync(configPath, JSON.stringify({ providers: [devProviderEntry('http://127.0.0.1:9', REAL_CONSUMER.key)] }));
  return { ...(await companionEnvironment(configPath)), PORT: String(heldPort), HOST: '127.0.0.1', ...overrides };
}

function expectExplained(message: string, port: number, variable: string): void {
  expect(message).toContain(`127.0.0.1:${port}`);
  expect(message).toContain(`port ${port} is already in use (EADDRINUSE)`);
  expect(message).toContain(`${variable}=<port>`);
  expect(message).toContain(`lsof -nP -iTCP:${port} -sTCP:LISTEN`);
}

describe('npm run server on a port already in use', () => {
  it('says so in its readable log, and exits with 1 without a stack trace', async () => {
    const { code, output } = await companionExit(await environment({ NODE_ENV: 'development' }));
    expect(code).toBe(1);
    expect(output).toMatch(/FATAL/);
    expectExplained(output, heldPort, 'PORT');
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain('companion listening');
  });

  it('says so in one JSON line with LOG_FORMAT=json', async () => {
    const { code, output } = await companionExit(await environment({ LOG_FORMAT: 'json' }));
    expect(code).toBe(1);
    const fatal = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; err?: unknown })
      .find((entry) => entry.level === 60);
    expect(fatal?.err).toBeUndefined();
    expectExplained(fatal?.msg ?? '', heldPort, 'PORT');
  });
});

describe('the dev provider and npm start on a port already in use', () => {
  it('the dev provider names DEV_PROVIDER_PORT', async () => {
    const failure = await startDevProvider({
      port: heldPort,
      host: '127.0.0.1',
      consumerKey: 'k',
      consumerSecret: 's',
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ListenError);
    expectExplained((failure as ListenError).message, heldPort, 'DEV_PROVIDER_PORT');
  });

  it('npm start’s check before the builds finds it; a free port passes', async () => {
    const target = { who: 'the companion', host: '127.0.0.1', portVariable: 'PORT', hostVariable: 'HOST' };
    await expect(ensurePortFree({ ...target, port: heldPort })).rejects.toThrow(/PORT=<port>/);
    await expect(ensurePortFree({ ...target, port: await freePort() })).resolves.toBeUndefined();
  });

  it('the dev stack reports the companion’s port and leaves nothing running', async () => {
    const devPort = await freePort();
    const steps: string[] = [];
    const failure = await startDevStack({
      companionPort: heldPort,
      devPort,
      configPath: join(mkdtempSync(join(tmpdir(), 'oauth1-busy-stack-')), 'companion.json'),
      env: { HOST: '127.0.0.1', DATABASE_URL: 'sqlite::memory:', VAULT_KEY: Buffer.alloc(32, 7).toString('base64') },
      logger: pino({ level: 'silent' }),
      onStep: (step) => steps.push(step),
    }).catch((error: unknown) => error);
    expect(steps).toEqual([
      `Starting the dev provider on http://127.0.0.1:${devPort}…`,
      `Starting the companion on http://127.0.0.1:${heldPort}…`,
    ]);
    expect(failure).toBeInstanceOf(ListenError);
    expectExplained((failure as ListenError).message, heldPort, 'PORT');
    // The dev provider that did start was stopped: its port is free again.
    await expect(
      ensurePortFree({ who: 'x', port: devPort, host: '127.0.0.1', portVariable: 'P', hostVariable: 'H' }),
    ).resolves.toBeUndefined();
  });
});
