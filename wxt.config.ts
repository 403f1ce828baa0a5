import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

/** Where the companion runs; public (it ends up in the bundle), never a secret. */
const companionUrl = process.env.WXT_COMPANION_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  // Explicit imports only: a reader should see where every name comes from.
  imports: false,
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: 'OAuth 1.0a Connect',
    description:
      'Connect OAuth 1.0a accounts (X, Tumblr, Flickr, …) through your companion backend; no secret in the extension.',
    permissions: ['storage', 'tabs', 'alarms'],
    // The build's companion; any port of its host (match patterns have none in Firefox).
    host_permissions: [`${new URL(companionUrl).protocol}//${new URL(companionUrl).hostname}/*`],
    // Another companion, chosen in the options page, is asked for when chosen.
    optional_host_permissions: ['https://*/*', 'http://127.0.0.1/*', 'http://localhost/*', 'http://[::1]/*'],
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'oauth1-connect@extension.local', strict_min_version: '128.0' } } }
      : {}),
  }),
});
