/**
 * Test plumbing: what the dev provider issued, served to the test workers by
 * the runner process that hosts it (Playwright's workers are other processes).
 * Only the e2e run has this; the dev provider itself exposes nothing.
 */
import { createHash } from 'node:crypto';
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
        posts: state.statuses.map((s) => ({ text: s.text, mediaIds: s.mediaIds ?? [] })),
        media: [...state.media.values()].map((m) => ({
          id: m.id,
          contentType: m.contentType,
          category: m.category,
          size: m.bytes?.byteLength ?? 0,
          sha256: m.bytes ? createHash('sha256').update(m.bytes).digest('hex') : null,
        })),
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
  posts: { text: string; mediaIds: string[] }[];
  media: { id: string; contentType: string; category: string; size: number; sha256: string | null }[];
}

export async function peek(): Promise<Peek> {
  return (await fetch(`http://127.0.0.1:${PEEK_PORT}/`)).json() as Promise<Peek>;
}
