import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_DIR, expect, test } from './support/chromium-extension';
import { connectAccount as connect } from './support/connect-account';
import { peek } from './support/dev-provider-peek';
import { extensionStorageText } from './support/extension-storage';

test('revokes an account: the popup no longer lists it and the provider refuses its token', async ({
  context,
  page,
  extensionId,
}) => {
  await connect(context, page, extensionId);
  const issued = (await peek()).accessTokens.at(-1); // this test's: the dev provider keeps them in order
  expect(issued?.user).toBe('alice');
  await page.getByRole('button', { name: 'Revoke @alice' }).click();
  await page.getByRole('button', { name: 'Yes, revoke' }).click();
  await expect(page.getByText('No account connected yet.')).toBeVisible();
  // What said it was connected no longer holds, so it is gone too.
  await expect(page.getByText('Connected @alice.')).toHaveCount(0);
  expect((await peek()).accessTokens.map((t) => t.token)).not.toContain(issued?.token);
});

test('revokes all accounts after one confirmation', async ({ context, page, extensionId }) => {
  await connect(context, page, extensionId, '@alice (Alice Example)');
  await connect(context, page, extensionId, '@bob (Bob Example)');
  await page.getByRole('button', { name: 'Revoke all' }).click();
  await page.getByRole('button', { name: 'Yes, revoke all' }).click();
  await expect(page.getByText('No account connected yet.')).toBeVisible();
});

test('a flow still completes when the service worker was stopped in the middle', async ({
  context,
  page,
  extensionId,
}) => {
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  const authorizeTab = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Connect Dev provider' }).click();
  const provider = await authorizeTab;
  await expect(provider.getByRole('button', { name: 'Authorize app' })).toBeVisible();

  // Leave the popup (its polling would wake the worker), then stop the worker
  // as Chrome does when it idles, and see that it is gone: its memory with it.
  await page.goto('about:blank');
  const cdp = await context.newCDPSession(page);
  type Target = { targetId: string; type: string; url: string };
  const workers = async () =>
    ((await cdp.send('Target.getTargets')) as { targetInfos: Target[] }).targetInfos.filter(
      (t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`),
    );
  const [running] = await workers();
  await cdp.send('Target.closeTarget', { targetId: (running as Target).targetId });
  await expect.poll(async () => (await workers()).length).toBe(0);

  // The callback navigation wakes a fresh worker, which finishes from IndexedDB.
  const closed = provider.waitForEvent('close');
  await provider.getByRole('button', { name: 'Authorize app' }).click();
  await closed;
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(page.getByRole('list', { name: 'Connected accounts' })).toContainText('@alice');
});

test('a forged callback URL with a foreign oauth_token completes nothing', async ({ context, page, extensionId }) => {
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  const authorizeTab = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Connect Dev provider' }).click();
  await authorizeTab;
  const forged = await context.newPage();
  await forged.goto('http://127.0.0.1:8787/oauth/callback?oauth_token=attacker-token&oauth_verifier=attacker-verifier');
  await expect(forged.getByText('You can close this tab')).toBeVisible();
  await page.waitForTimeout(1000); // give the background every chance to (wrongly) act on it
  expect(forged.isClosed()).toBe(false);
  await expect(page.getByText('Waiting for you to authorize Dev provider in the opened tab…')).toBeVisible();
  await expect(page.getByText('No account connected yet.')).toBeVisible();
});

function bundleText(dir: string): string {
  return readdirSync(dir)
    .map((entry) => join(dir, entry))
    .map((path) => (statSync(path).isDirectory() ? bundleText(path) : readFileSync(path).toString('latin1')))
    .join('\n');
}

test('no consumer secret and no token secret anywhere in the extension: storage, IndexedDB or bundle', async ({
  context,
  page,
  extensionId,
  serviceWorker,
}) => {
  await connect(context, page, extensionId, '@bob (Bob Example)');
  const issued = await peek();
  const secrets = [issued.consumerSecret, ...issued.accessTokens.map((t) => t.secret), ...issued.requestTokenSecrets];
  expect(issued.accessTokens.length).toBeGreaterThan(0);

  const stored = await serviceWorker.evaluate(extensionStorageText);
  expect(stored).toContain('@bob'.slice(1)); // the account metadata is there…
  expect(stored).toContain('CryptoKey(private, extractable=false)');
  for (const secret of secrets) expect(stored).not.toContain(secret); // …no secret is
  for (const token of issued.accessTokens.map((t) => t.token)) expect(stored).not.toContain(token);

  const bundle = bundleText(EXTENSION_DIR);
  for (const secret of secrets) expect(bundle).not.toContain(secret);
  expect(bundle).not.toMatch(/consumer_?secret["']?\s*[:=]\s*["'][A-Za-z0-9]{8,}/i);
});
