import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { devProviderEntry } from '../../../server/dev-provider/companion-entry';
import { freePort } from '../../support/free-port';
import { REAL_CONSUMER } from '../../support/real-companion';

/** The companion's one deadline for an upstream exchange (server/start-companion.ts, docs/architecture.md). */
export const UPSTREAM_DEADLINE_MS = 15_000;

/** A 10 MB answer: twice the 5 MiB the companion holds. */
const HUGE = Buffer.alloc(10 * 1024 * 1024, 'a');

/**
 * How a provider's token call can go wrong, each with the problem the companion must answer
 * (docs/architecture.md, "Error codes").
 */
export const FAULTS = {
  /** Nobody listens on its port. */
  down: { status: 502, code: 'provider_error' },
  /** Answers, well formed, after the deadline. */
  slow: { status: 504, code: 'upstream_timeout' },
  /** A login page where form encoding was due, as a provider behind a captive portal or a proxy answers. */
  html: { status: 502, code: 'provider_error' },
  status500: { status: 502, code: 'provider_error' },
  /** oauth_token without oauth_token_secret. */
  noTokenSecret: { status: 502, code: 'provider_error' },
  /** 10 MB with its Content-Length declared: refused unread. */
  huge: { status: 502, code: 'upstream_too_large' },
  /** 10 MB streamed without a length: refused as it passes 5 MiB. */
  hugeStreamed: { status: 502, code: 'upstream_too_large' },
} as const;
export type Fault = keyof typeof FAULTS;
export const FAULT_NAMES = Object.keys(FAULTS) as Fault[];

/** The token call that goes wrong: the request token (POST /v1/flows) or the access token (complete). */
export type Step = 'request_token' | 'access_token';
export const STEPS: readonly Step[] = ['request_token', 'access_token'];

/** The companion's id of the provider whose `step` has `fault`: "rt-slow", "at-huge-streamed". */
export const providerIdOf = (fault: Fault, step: Step) =>
  `${step === 'request_token' ? 'rt' : 'at'}-${fault.replace(/[A-Z0-9]+/g, (part) => `-${part.toLowerCase()}`)}`;

export interface FaultyProvider {
  readonly url: string;
  /** A COMPANION_CONFIG file: the dev provider at `devUrl`, and one provider per fault and step. */
  writeConfig(folder: string, devUrl: string): string;
  close(): Promise<void>;
}

/**
 * A provider that goes wrong on purpose, one way per path: `/<fault>/…` answers with that
 * fault, `/ok/…` as a provider should (for the request token before a faulty access token).
 * It checks no signature: the companion's side of each fault is what is tried.
 */
export async function startFaultyProvider(): Promise<FaultyProvider> {
  const timers = new Set<NodeJS.Timeout>();
  const tokenAnswer = (response: ServerResponse, body: string) =>
    response.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' }).end(body);
  const goodToken = () =>
    `oauth_token=${randomBytes(12).toString('hex')}&oauth_token_secret=${randomBytes(12).toString('hex')}` +
    '&oauth_callback_confirmed=true&user_id=1001&screen_name=alice';

  const server = createServer((request, response) => {
    const fault = (request.url ?? '').split('/')[1];
    request.resume();
    switch (fault) {
      case 'ok':
        return tokenAnswer(response, goodToken());
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          tokenAnswer(response, goodToken());
        }, UPSTREAM_DEADLINE_MS + 2_000);
        timers.add(timer);
        return;
      }
      case 'html':
        return response
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end('<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>…</form></body></html>');
      case 'status500':
        return response.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      case 'noTokenSecret':
        return tokenAnswer(response, 'oauth_token=abc&oauth_callback_confirmed=true&user_id=1001&screen_name=alice');
      case 'huge':
        return response
          .writeHead(200, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': HUGE.byteLength })
          .end(HUGE);
      case 'hugeStreamed': {
        response.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' });
        let sent = 0;
        const more = () => {
          while (sent < HUGE.byteLength && !response.destroyed) {
            const chunk = HUGE.subarray(sent, sent + 64 * 1024);
            sent += chunk.byteLength;
            if (!response.write(chunk)) return void response.once('drain', more);
          }
          response.end();
        };
        return more();
      }
      default:
        return response.writeHead(404).end();
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${port}`;
  // Down: a port nobody listens on.
  const downUrl = `http://127.0.0.1:${await freePort()}`;

  const faultUrl = (fault: Fault, step: Step) => (fault === 'down' ? `${downUrl}/${step}` : `${url}/${fault}/${step}`);
  return {
    url,
    writeConfig(folder, devUrl) {
      const entries = FAULT_NAMES.flatMap((fault) =>
        STEPS.map((step) =>
          devProviderEntry(url, REAL_CONSUMER.key, {
            id: providerIdOf(fault, step),
            name: `${fault} at ${step}`,
            requestTokenUrl: step === 'request_token' ? faultUrl(fault, step) : `${url}/ok/request_token`,
            accessTokenUrl: faultUrl(fault, 'access_token'),
          }),
        ),
      );
      const path = join(folder, 'faults.json');
      writeFileSync(path, JSON.stringify({ providers: [devProviderEntry(devUrl, REAL_CONSUMER.key), ...entries] }));
      return path;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
