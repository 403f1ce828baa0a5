import { Hono } from 'hono';
import type { CompanionEnv } from '../http/env';

/**
 * Where the provider sends the user's tab after the decision. The extension
 * reads this URL from the tabs API and closes the tab; the page is only what
 * the user sees meanwhile (or if the extension is gone). It echoes nothing
 * from the URL, and tells the browser not to leak the URL onwards.
 */
export const callbackRoutes = new Hono<CompanionEnv>().get('/callback', (c) => {
  const denied = c.req.query('denied') !== undefined;
  c.header('referrer-policy', 'no-referrer');
  c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
  c.header('cache-control', 'no-store');
  const message = denied
    ? 'You declined. Nothing was connected.'
    : 'You can close this tab: the extension finishes connecting.';
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><title>OAuth 1.0a Connect</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}</style></head>
<body><h1>${denied ? 'Not connected' : 'Almost done'}</h1><p>${message}</p></body></html>`,
  );
});
