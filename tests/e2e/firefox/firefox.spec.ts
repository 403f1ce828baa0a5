/**
 * The extension in Firefox ESR, doing what a user does: the same companion and
 * dev provider as the Chromium tests (global setup), the Firefox MV3 build
 * (an event page, not a service worker), driven over WebDriver BiDi.
 */
import { peek } from '../support/dev-provider-peek';
import { extensionStorageText } from '../support/extension-storage';
import { clickButton, expect, expectText, extensionUrl, test, textOf } from './support/firefox-extension';
import {
  chooseUser,
  connect,
  consentWindowCloses,
  demoResult,
  openDemo,
  openPopup,
  PROVIDER,
  postAndGetConsent,
} from './support/user-steps';

test('installs as a temporary add-on; the popup reaches the companion and offers its provider', async ({ firefox }) => {
  const popup = await openPopup(firefox);
  const manifest = await popup.evaluate(() => {
    const { runtime } = (
      globalThis as unknown as { browser: { runtime: { id: string; getManifest(): Record<string, unknown> } } }
    ).browser;
    const m = runtime.getManifest();
    return { id: runtime.id, version: m.manifest_version, background: m.background };
  });
  // Firefox runs the background as an event page, not a service worker.
  expect(manifest).toMatchObject({
    id: 'oauth1-connect@extension.local',
    version: 3,
    background: { scripts: [extensionUrl('background.js')], service_worker: null },
  });
  await expectText(popup, 'Companion reachable.');
  await expectText(popup, 'No account connected yet.');
});

test('connects with the callback: the tabs API sees it, the authorize tab closes, @alice is listed', async ({
  firefox,
}) => {
  const popup = await openPopup(firefox);
  await connect(firefox, popup);
  await expectText(popup, /@alice \(dev\)\s+Connected/);
  expect((await peek()).accessTokens.at(-1)?.user).toBe('alice');
});

test('connects with a PIN typed into the popup', async ({ firefox }) => {
  const popup = await openPopup(firefox);
  await clickButton(popup, 'Use a PIN instead');
  const provider = await firefox.pageAt(`${PROVIDER}/oauth/authorize?`);
  await chooseUser(provider, 'bob');
  await clickButton(provider, 'Authorize app');
  await expectText(provider, 'Enter this PIN');
  const pin = await provider.$eval('[data-testid=pin]', (p) => p.textContent ?? '');
  expect(pin).toMatch(/^\d{7}$/);
  // Back to the popup, as the user does (a tab in the background gets no animation frames, which locators wait for).
  await popup.bringToFront();
  await popup.locator('section[aria-label^="Connecting"] input').fill(pin);
  await clickButton(popup, 'Submit PIN');
  await expectText(popup, /@bob \(dev\)/);
});

test('revokes an account: the popup no longer lists it and the provider refuses its token', async ({ firefox }) => {
  const popup = await openPopup(firefox);
  await connect(firefox, popup);
  const issued = (await peek()).accessTokens.at(-1);
  await clickButton(popup, 'Revoke @alice');
  await clickButton(popup, 'Yes, revoke');
  await expectText(popup, 'No account connected yet.');
  expect((await peek()).accessTokens.map((t) => t.token)).not.toContain(issued?.token);
});

test('a page asks to post: the consent window shows the request; Allow once posts it, Deny refuses the next', async ({
  firefox,
}) => {
  const popup = await openPopup(firefox);
  await connect(firefox, popup);
  const demo = await openDemo(firefox);

  const text = `from Firefox ${Date.now()}`;
  const consent = await postAndGetConsent(firefox, demo, text);
  const shown = await textOf(consent);
  expect(shown).toContain(PROVIDER); // the asking site
  expect(shown).toContain(`POST ${PROVIDER}/1.1/statuses/update.json`);
  expect(shown).toContain(text); // what will be posted, before it is
  await clickButton(consent, 'Allow once');
  await consentWindowCloses(popup);
  await expect.poll(() => demoResult(demo)).toBe('Posted as @alice.');
  expect((await peek()).statuses).toContain(text);

  const refused = `refused in Firefox ${Date.now()}`;
  const again = await postAndGetConsent(firefox, demo, refused);
  await clickButton(again, 'Deny');
  await consentWindowCloses(popup);
  await expect.poll(() => demoResult(demo)).toContain('consent_denied');
  expect((await peek()).statuses).not.toContain(refused);
});

test('no consumer secret and no token secret in the extension: storage areas or IndexedDB', async ({ firefox }) => {
  const popup = await openPopup(firefox);
  await connect(firefox, popup, 'bob');
  const issued = await peek();
  const secrets = [issued.consumerSecret, ...issued.accessTokens.map((t) => t.secret), ...issued.requestTokenSecrets];
  expect(issued.accessTokens.length).toBeGreaterThan(0);

  // Read from one of its pages: the same origin as the background.
  const stored = await popup.evaluate(extensionStorageText);
  expect(stored).toContain('bob'); // the account metadata is there…
  expect(stored).toContain('CryptoKey(private, extractable=false)');
  for (const secret of secrets) expect(stored).not.toContain(secret); // …no secret is
  for (const token of issued.accessTokens.map((t) => t.token)) expect(stored).not.toContain(token);
});
