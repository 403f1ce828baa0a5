import { execFileSync } from 'node:child_process';
import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

/**
 * The mode of the store packages (`npm run zip`): the same extension without
 * what exists only for development (the dev provider's demo content script and
 * its localhost matches), built for a companion on https.
 */
const STORE_MODE = 'store';

/** Entrypoints that exist only in development builds (npm start, the tests), never in a store package. */
const DEVELOPMENT_ONLY_ENTRYPOINTS = new Set(['demo', 'bench-floor']);

/** Where the companion runs; public (it ends up in the bundle), never a secret. */
function companionUrlFor(mode: string): string {
  const url = process.env.WXT_COMPANION_URL;
  if (mode === STORE_MODE && !url?.startsWith('https://')) {
    throw new Error(
      'A store package is built for your production companion: set WXT_COMPANION_URL=https://… (see docs/deploy.md)',
    );
  }
  return url ?? 'http://127.0.0.1:8787';
}

export default defineConfig({
  // Explicit imports only: a reader should see where every name comes from.
  imports: false,
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser, mode }) => {
    const companion = new URL(companionUrlFor(mode));
    return {
      // In the user's language: public/_locales/<lang>/messages.json, English by default.
      name: '__MSG_extName__',
      description: '__MSG_extDescription__',
      default_locale: 'en',
      // Each is justified in docs/permissions.md. All state is in IndexedDB, so no "storage".
      permissions: ['tabs', 'alarms'],
      // The build's companion; any port of its host (match patterns have none in Firefox).
      host_permissions: [`${companion.protocol}//${companion.hostname}/*`],
      // Another companion, chosen in the options page, is asked for when chosen.
      optional_host_permissions: ['https://*/*', 'http://127.0.0.1/*', 'http://localhost/*', 'http://[::1]/*'],
      ...(browser === 'firefox'
        ? {
            browser_specific_settings: {
              gecko: {
                id: 'oauth1-connect@extension.local',
                // The first versions with built-in data consent (desktop 140, Android 142, same page as below).
                strict_min_version: '140.0',
                // What leaves the browser, to the user's own companion (docs/permissions.md), in Firefox's
                // categories (https://extensionworkshop.com/documentation/develop/firefox-builtin-data-consent/):
                // the PIN typed to connect an account (authenticationInfo), the posts and other API calls
                // that sites ask to send as the user (personalCommunications), and those requests and the
                // provider's answers (websiteContent). Without them the extension cannot work: required.
                data_collection_permissions: {
                  required: ['authenticationInfo', 'personalCommunications', 'websiteContent'],
                },
              },
              gecko_android: { strict_min_version: '142.0' },
            },
          }
        : {}),
    };
  },
  hooks: {
    'entrypoints:resolved'(wxt, entrypoints) {
      if (wxt.config.mode !== STORE_MODE) return;
      for (let i = entrypoints.length - 1; i >= 0; i--) {
        if (DEVELOPMENT_ONLY_ENTRYPOINTS.has(entrypoints[i]?.name ?? '')) entrypoints.splice(i, 1);
      }
    },
  },
  zip: {
    // The sources AMO asks for: the tracked files only, so nothing of a developer's own (data/ holds the
    // development vault key and database; an untracked provider file may hold keys) goes in a zip.
    excludeSources: untrackedFiles(),
  },
});

/**
 * Globs of every file git does not track (untracked folders whole). Outside a
 * git checkout (a reviewer building from the sources zip) there is nothing to
 * leave out but what .gitignore names.
 */
function untrackedFiles(): string[] {
  try {
    const listed = execFileSync('git', ['ls-files', '--others', '--directory', '-z'], { encoding: 'utf8' });
    return listed
      .split('\0')
      .filter(Boolean)
      .map((path) => (path.endsWith('/') ? `${path}**` : path));
  } catch {
    return ['data/**', 'dist/**', 'test-results/**', 'playwright-report/**', '**/*.log'];
  }
}
