import type { Context } from 'hono';
import { Hono } from 'hono';
import {
  isOAuthError,
  memoryNonceStore,
  type OAuthError,
  parseFormEncoded,
  type VerifiedRequest,
  verifyRequest,
} from '../../lib/oauth1';
import { nodeOAuthCrypto } from '../crypto/node-oauth-crypto';
import { authorizePage, demoPage, messagePage, pinPage, statusesPage } from './pages';
import { type BodySigning, signedBodyOf } from './signed-body';
import { DEMO_USERS, DevProviderState } from './state';
import { registerUploadRoutes } from './uploads';

export interface DevProviderOptions {
  readonly consumerKey: string;
  readonly consumerSecret: string;
  /** Milliseconds since the epoch; injectable so tests can move the provider's clock. */
  readonly now?: () => number;
  readonly consumerName?: string;
}

type TokenKind = 'none' | 'request' | 'access';

/**
 * A strict OAuth 1.0a provider with X's paths, for development and tests: it
 * verifies every signature, the timestamp window and nonces with lib/oauth1,
 * requires oauth_callback_confirmed semantics, and uses single-use verifiers.
 */
export function createDevProvider(options: DevProviderOptions) {
  const now = options.now ?? Date.now;
  const state = new DevProviderState();
  const crypto = nodeOAuthCrypto();
  const nonces = memoryNonceStore(now);
  const app = new Hono();

  async function verified(c: Context, kind: TokenKind, rule: BodySigning): Promise<VerifiedRequest> {
    return verifyRequest(
      {
        method: c.req.method,
        url: c.req.url,
        ...(await signedBodyOf(c, rule)),
        authorization: c.req.header('authorization'),
      },
      {
        crypto,
        now,
        nonceStore: nonces,
        lookupSecrets: (consumerKey, token) => {
          if (consumerKey !== options.consumerKey) return undefined;
          if (kind === 'none') return token === undefined ? { consumerSecret: options.consumerSecret } : undefined;
          const secret =
            kind === 'request'
              ? token && state.requestTokens.get(token)?.secret
              : token && state.accessTokens.get(token)?.secret;
          return secret ? { consumerSecret: options.consumerSecret, tokenSecret: secret } : undefined;
        },
      },
    );
  }

  function refused(c: Context, error: unknown, kind: TokenKind) {
    if (!isOAuthError(error)) throw error;
    const { status, code, message } = xError(error, kind);
    c.header('date', new Date(now()).toUTCString());
    return c.json({ errors: [{ code, message }] }, status);
  }

  /**
   * A route that answers only requests signed with the given kind of token,
   * the body signed by `rule` (RFC 5849's by default); refusals are X-style.
   */
  const signedRoute =
    (
      kind: TokenKind,
      handle: (c: Context, request: VerifiedRequest) => Response | Promise<Response>,
      rule: BodySigning = 'rfc5849',
    ) =>
    async (c: Context) => {
      // Like Discogs, which requires "a User-Agent string that identifies" the application on every
      // call (docs/providers.md): the companion must always send one.
      if (!c.req.header('user-agent')?.trim()) {
        return c.json({ message: 'A User-Agent that identifies your application is required.' }, 403);
      }
      let request: VerifiedRequest;
      try {
        request = await verified(c, kind, rule);
      } catch (error) {
        return refused(c, error, kind);
      }
      return handle(c, request);
    };

  app.post(
    '/oauth/request_token',
    signedRoute('none', async (c, request) => {
      const callback = request.protocolParameters.get('oauth_callback');
      if (!callback || (callback !== 'oob' && !/^https?:\/\//.test(callback))) {
        return c.json(
          { errors: [{ code: 417, message: 'Desktop applications only support the oauth_callback value oob' }] },
          401,
        );
      }
      // X's x_auth_access_type: "Overrides the access level an application requests … read or write"
      // (https://docs.x.com/fundamentals/authentication/api-reference).
      const asked = new URL(c.req.url).searchParams.get('x_auth_access_type');
      if (asked !== null && asked !== 'read' && asked !== 'write') {
        return c.json({ errors: [{ code: 400, message: 'x_auth_access_type must be read or write' }] }, 400);
      }
      const issued = state.issueRequestToken(callback, now(), asked ?? 'write');
      return c.text(
        `oauth_token=${issued.token}&oauth_token_secret=${issued.secret}&oauth_callback_confirmed=true`,
        200,
        { 'content-type': 'application/x-www-form-urlencoded' },
      );
    }),
  );

  const authorizeForm = (c: Context) => {
    const token = c.req.query('oauth_token') ?? '';
    if (!state.requestTokens.has(token))
      return c.html(messagePage('This page is no longer valid', 'Start again from the app.'), 400);
    return c.html(authorizePage(token, options.consumerName ?? 'OAuth 1.0a Connect', DEMO_USERS));
  };
  app.get('/oauth/authorize', authorizeForm);
  app.get('/oauth/authenticate', authorizeForm);

  app.post('/oauth/authorize', async (c) => {
    const form = new Map(parseFormEncoded(await c.req.text()));
    const token = form.get('oauth_token') ?? '';
    const pending = state.requestTokens.get(token);
    if (!pending || pending.verifier !== undefined) {
      return c.html(messagePage('This page is no longer valid', 'Start again from the app.'), 400);
    }
    if (form.get('decision') !== 'authorize') {
      state.requestTokens.delete(token);
      if (pending.callback === 'oob') return c.html(messagePage('Authorization cancelled', 'You can close this page.'));
      return c.redirect(withQuery(pending.callback, { denied: token }), 302);
    }
    const user = DEMO_USERS.find((u) => u.id === form.get('user_id')) ?? (DEMO_USERS[0] as (typeof DEMO_USERS)[number]);
    const verifier = state.approve(token, user);
    if (pending.callback === 'oob') return c.html(pinPage(verifier));
    return c.redirect(withQuery(pending.callback, { oauth_token: token, oauth_verifier: verifier }), 302);
  });

  app.post(
    '/oauth/access_token',
    signedRoute('request', async (c, request) => {
      const access = state.exchange(request.token ?? '', request.protocolParameters.get('oauth_verifier') ?? '');
      if (!access) return c.json({ errors: [{ code: 32, message: 'Invalid oauth_verifier parameter' }] }, 401);
      return c.text(
        `oauth_token=${access.token}&oauth_token_secret=${access.secret}&user_id=${access.user.id}&screen_name=${access.user.screenName}`,
        200,
        { 'content-type': 'application/x-www-form-urlencoded' },
      );
    }),
  );

  app.get(
    '/1.1/account/verify_credentials.json',
    signedRoute('access', async (c, request) => {
      const user = state.accessTokens.get(request.token ?? '')?.user;
      return c.json({ id_str: user?.id, screen_name: user?.screenName, name: user?.name });
    }),
  );

  app.post(
    '/1.1/statuses/update.json',
    signedRoute('access', async (c, request) => {
      // A read-only token that POSTs, as X v1.1 answers it (docs/providers.md; permission-refusal.ts).
      if (state.accessTokens.get(request.token ?? '')?.access === 'read') {
        return c.json({ request: '/1.1/statuses/update.json', error: 'Read-only application cannot POST.' }, 401);
      }
      let text: string | undefined;
      const query = new URL(c.req.url).searchParams.get('status');
      const type = c.req.header('content-type') ?? '';
      if (type.startsWith('application/x-www-form-urlencoded')) {
        text = new Map(parseFormEncoded(await c.req.text())).get('status');
      }
      text ??= query ?? undefined;
      if (!text || text.length > 280)
        return c.json({ errors: [{ code: 170, message: 'Missing required parameter: status.' }] }, 403);
      const user = state.accessTokens.get(request.token ?? '')?.user as (typeof DEMO_USERS)[number];
      const status = { id: String(state.statuses.length + 1), text, user, createdAt: now() };
      state.statuses.push(status);
      return c.json({ id_str: status.id, text, user: { id_str: user.id, screen_name: user.screenName } });
    }),
  );

  app.post(
    '/1.1/oauth/invalidate_token',
    signedRoute('access', async (c, request) => {
      state.accessTokens.delete(request.token ?? '');
      return c.json({ access_token: request.token });
    }),
  );

  // Trello's way: DELETE /1/tokens/{token}, signed with that token (docs/providers.md).
  app.delete(
    '/1/tokens/:token',
    signedRoute('access', async (c, request) => {
      const token = request.token ?? '';
      if (c.req.param('token') !== token) return c.json({ message: 'invalid token' }, 401);
      state.accessTokens.delete(token);
      return c.json({ _value: null });
    }),
  );

  registerUploadRoutes(app, { state, now, signedRoute });

  app.get('/statuses', (c) => c.html(statusesPage([...state.statuses].reverse(), [...state.photos].reverse())));
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/demo', (c) => {
    // The companion knows this provider by its 127.0.0.1 address (dev-stack.ts); the page may be
    // opened as localhost too, which makes it a second site for the extension, with the same API.
    const api = new URL('/1.1/', c.req.url);
    api.hostname = '127.0.0.1';
    return c.html(demoPage(api.href));
  });

  return { app, state };
}

/** X's error answers: 135 for the clock, 89 for a bad token, 32 for a bad signature, 215 for bad data. */
function xError(error: OAuthError, kind: TokenKind): { status: 400 | 401; code: number; message: string } {
  switch (error.code) {
    case 'timestamp_refused':
      return { status: 401, code: 135, message: 'Timestamp out of bounds.' };
    case 'unknown_credentials':
      return kind === 'access'
        ? { status: 401, code: 89, message: 'Invalid or expired token.' }
        : { status: 401, code: 32, message: 'Could not authenticate you.' };
    case 'signature_invalid':
    case 'nonce_used':
    case 'body_hash_invalid':
    case 'unsupported_signature_method':
      return { status: 401, code: 32, message: 'Could not authenticate you.' };
    default:
      return { status: 400, code: 215, message: `Bad Authentication data. (${error.code})` };
  }
}

function withQuery(base: string, parameters: Record<string, string>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return url.href;
}
