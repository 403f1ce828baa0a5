import type { Hono } from 'hono';
import { percentEncode } from '../../../lib/oauth1';
import { type Provider, ProviderEntry, resolveProvider } from '../../../server/config/providers';
import type { makeHarness } from '../../support/companion-harness';
import type { TestInstall } from '../../support/dpop';

type Harness = Awaited<ReturnType<typeof makeHarness>>;

export const STUB_REQUEST_TOKEN = 'stub-request-token';

/** A provider from COMPANION_CONFIG-style fields (a preset's id needs only these), its secret given. */
export function stubProvider(consumerSecret: string, entry: Record<string, unknown>): Provider {
  return resolveProvider(
    ProviderEntry.parse({ consumerKey: `${entry.id}-consumer-key`, consumerSecretEnv: 'STUB_SECRET', ...entry }),
    { STUB_SECRET: consumerSecret },
  );
}

/**
 * The token endpoints of a stub provider at `prefix` (e.g. `/oauth`): a
 * confirmed request token, then the access token with `extra` fields. No
 * signature is checked; the tests using it are about the answers.
 */
export function withTokenEndpoints(
  app: Hono,
  prefix: string,
  access: { token: string; tokenSecret: string; extra?: Record<string, string> },
): Hono {
  const form = (fields: Record<string, string>) =>
    Object.entries(fields)
      .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
      .join('&');
  return app
    .post(`${prefix}/request_token`, (c) =>
      c.text(
        form({
          oauth_token: STUB_REQUEST_TOKEN,
          oauth_token_secret: 'stub-request-secret',
          oauth_callback_confirmed: 'true',
        }),
      ),
    )
    .post(`${prefix}/access_token`, (c) =>
      c.text(form({ oauth_token: access.token, oauth_token_secret: access.tokenSecret, ...access.extra })),
    );
}

/** Connects an account at a stub provider through the companion's own flow routes, as `as` (default: the harness's install). */
export async function connectAtStub(
  h: Harness,
  provider: string,
  as: TestInstall = h.install,
): Promise<{ id: string; screenName: string }> {
  const created = await h.call('POST', '/v1/flows', { body: { provider }, as });
  if (created.status !== 201) throw new Error(`flow at ${provider}: ${JSON.stringify(created.json)}`);
  const completed = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
    body: { oauthToken: STUB_REQUEST_TOKEN, oauthVerifier: 'stub-verifier' },
    as,
  });
  if (completed.status !== 201) throw new Error(`complete at ${provider}: ${JSON.stringify(completed.json)}`);
  return completed.json.account as { id: string; screenName: string };
}
