/**
 * Test plumbing: what the dev provider issued, served to the test workers by
 * the runner process that hosts it (Playwright's workers are other processes).
 * Only the e2e run has this; the dev provider itself exposes nothing.
 */
import { createServer, type Server } from 'node:http';
import type { DevProviderState } from '../../../server/dev-provider/state';

export const PEEK_PORT = 8789;

export function servePeek(state: DevProviderState, consumerSecret: string): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        consumerSecret,
        accessTokens: [...state.accessTokens.entries()].map(([token, t]) => ({
          token,
          secret: t.secret,
          user: t.user.screenName,
        })),
        requestTokenSecrets: [...state.requestTokens.values()].map((t) => t.secret),
        statuses: state.statuses.map((s) => s.text),
      }),
    );
  });
  return new Promise((resolve) => server.listen(PEEK_PORT, '127.0.0.1', () => resolve(server)));
}

export interface Peek {
  consumerSecret: string;
  accessTokens: { token: string; secret: string; user: string }[];
  requestTokenSecrets: string[];
  statuses: string[];
}

export async function peek(): Promise<Peek> {
  return (await fetch(`http://127.0.0.1:${PEEK_PORT}/`)).json() as Promise<Peek>;
}
