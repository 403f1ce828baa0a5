import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readSettings } from '../../../lib/settings/extension-settings';
import { unusedHostPermissions } from '../../../lib/settings/host-permissions';
import { extensionStore } from '../../../lib/storage/registry';

// The browser is the boundary: which host permissions the user granted.
const granted = new Set<string>();
vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: {
      id: 'our-extension-id',
      getURL: (path: string) => `chrome-extension://our-extension-id${path}`,
      getManifest: () => ({
        host_permissions: ['http://127.0.0.1/*'],
        content_scripts: [{ matches: ['http://127.0.0.1/demo*'] }],
      }),
    },
    permissions: {
      contains: async ({ origins }: { origins: string[] }) => origins.every((o) => granted.has(o)),
      getAll: async () => ({ origins: [...granted] }),
      remove: async ({ origins }: { origins: string[] }) => {
        for (const origin of origins) granted.delete(origin);
        return true;
      },
    },
  },
}));

const { optionsHandlers } = await import('../../../lib/background/options-handlers');
const save = (params: unknown) => optionsHandlers.saveSettings(params as never, undefined);
const test = (params: unknown) => optionsHandlers.testCompanion(params as never, undefined);

describe('options handlers', () => {
  beforeEach(() => granted.clear());

  it.each([
    ['a URL that is not one', { companionUrl: 'not a url', consentTimeoutSeconds: 60 }],
    ['plain HTTP to another machine', { companionUrl: 'http://companion.example', consentTimeoutSeconds: 60 }],
    ['a URL with a password', { companionUrl: 'https://u:p@companion.example', consentTimeoutSeconds: 60 }],
    ['a timeout below the minimum', { companionUrl: 'http://127.0.0.1:8787', consentTimeoutSeconds: 1 }],
    ['a timeout that is not whole', { companionUrl: 'http://127.0.0.1:8787', consentTimeoutSeconds: 7.5 }],
    ['a timeout given as text', { companionUrl: 'http://127.0.0.1:8787', consentTimeoutSeconds: '60' }],
    ['no parameters', null],
  ])('refuses %s with invalid_message and saves nothing', async (_case, params) => {
    const before = await readSettings(extensionStore());
    await expect(save(params)).rejects.toMatchObject({ code: 'invalid_message' });
    expect(await readSettings(extensionStore())).toEqual(before);
  });

  it('refuses a companion whose origin the user has not granted: host_permission_missing', async () => {
    await expect(test({ companionUrl: 'https://companion.example' })).rejects.toMatchObject({
      code: 'host_permission_missing',
    });
    await expect(save({ companionUrl: 'https://companion.example', consentTimeoutSeconds: 60 })).rejects.toMatchObject({
      code: 'host_permission_missing',
    });
    expect((await readSettings(extensionStore())).companionUrl).not.toBe('https://companion.example');
  });

  it('does not save a companion that does not answer: companion_unreachable', async () => {
    granted.add('http://127.0.0.1/*');
    // Port 9 (discard) has no listener here: the connection is refused at once.
    await expect(save({ companionUrl: 'http://127.0.0.1:9', consentTimeoutSeconds: 60 })).rejects.toMatchObject({
      code: 'companion_unreachable',
    });
    expect((await readSettings(extensionStore())).companionUrl).not.toBe('http://127.0.0.1:9');
  });

  it('saves a new timeout for the same companion without asking it anything', async () => {
    const { companionUrl } = await readSettings(extensionStore());
    await expect(save({ companionUrl, consentTimeoutSeconds: 30 })).resolves.toMatchObject({
      companionUrl,
      consentTimeoutSeconds: 30,
    });
    expect((await readSettings(extensionStore())).consentTimeoutSeconds).toBe(30);
  });

  it('gives back on save the hosts granted for companions tried before, and keeps what the manifest grants', async () => {
    for (const origin of ['http://127.0.0.1/*', 'https://tried.example/*', 'https://other.example/*'])
      granted.add(origin);
    const { companionUrl } = await readSettings(extensionStore());
    await save({ companionUrl, consentTimeoutSeconds: 60 });
    expect([...granted]).toEqual(['http://127.0.0.1/*']);
  });
});

describe('unusedHostPermissions', () => {
  const manifest = {
    host_permissions: ['http://127.0.0.1/*'],
    content_scripts: [{ matches: ['http://localhost/demo*'] }],
  };

  it('keeps the chosen companion’s host (any port), the manifest’s hosts and the content scripts’ matches', () => {
    const granted = [
      'https://companion.example/*',
      'http://127.0.0.1/*',
      'http://localhost/demo*',
      'https://old.example/*',
    ];
    expect(unusedHostPermissions(granted, 'https://companion.example:8443/base', manifest)).toEqual([
      'https://old.example/*',
    ]);
  });

  it('keeps a broader grant that covers the companion (https://*/* switched on by the user)', () => {
    const granted = ['https://*/*', 'https://*.example.org/*', 'https://old.example/*', '*://*/*'];
    expect(unusedHostPermissions(granted, 'https://companion.example', manifest)).toEqual([
      'https://*.example.org/*',
      'https://old.example/*',
    ]);
    expect(unusedHostPermissions(['https://*.example.org/*'], 'https://api.example.org', manifest)).toEqual([]);
    expect(unusedHostPermissions(['https://*.example.org/*'], 'https://example.org', manifest)).toEqual([]);
    expect(unusedHostPermissions(['http://*/*'], 'https://companion.example', manifest)).toEqual(['http://*/*']);
  });

  it('gives back a host the user moved away from, even a loopback one', () => {
    expect(unusedHostPermissions(['http://localhost/*'], 'https://companion.example', manifest)).toEqual([
      'http://localhost/*',
    ]);
  });
});
