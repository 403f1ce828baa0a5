/**
 * Accounts that need attention in Firefox, as a user meets them: a read-only
 * account a site tries to post with, reconnected in place from the popup; and
 * a second account of the same provider.
 */
import { peek } from '../support/dev-provider-peek';
import { backgroundAccounts, badgeText } from '../support/extension-state';
import { clickButton, expect, expectText, test, textOf } from './support/firefox-extension';
import {
  authorizeFromPopup,
  connect,
  consentWindowCloses,
  demoResult,
  openDemo,
  openPopup,
  PROVIDER,
  post,
  postAndGetConsent,
} from './support/user-steps';

test('a read-only account cannot post; Reconnect in the popup gives it write access, same account, and the site posts', async ({
  firefox,
}) => {
  const popup = await openPopup(firefox);
  await connect(firefox, popup, 'alice', 'Read only');
  await expectText(popup, /@alice \(dev\) · read only/);
  const [before, ...others] = await popup.evaluate(backgroundAccounts);
  expect(others).toEqual([]);
  expect(before).toMatchObject({ screenName: 'alice', status: 'active', access: 'read' });
  expect(await popup.evaluate(badgeText)).toBe('');

  // The site asks to post; the user lets it, always; the provider refuses the read-only token.
  const demo = await openDemo(firefox);
  const refused = `read-only from Firefox ${Date.now()}`;
  const consent = await postAndGetConsent(firefox, demo, refused);
  await consent.locator('label.inline input[type=checkbox]').click(); // "still ask me before each change": no
  await clickButton(consent, 'Always for this site');
  await consentWindowCloses(popup);
  await expect.poll(() => demoResult(demo)).toContain('(account_needs_reconnect)');
  expect((await peek()).statuses).not.toContain(refused);
  // The toolbar says so; the popup, which looks again every few seconds, too.
  await expect.poll(() => popup.evaluate(badgeText), { message: 'the badge shows !' }).toBe('!');
  await expectText(popup, 'Needs write permission: reconnect it to let sites post.');
  await expectText(popup, /acts as @alice/);

  // Reconnect: the provider asks for the login, prefilled; the same user approves.
  const opened = await authorizeFromPopup(firefox, popup, 'Reconnect @alice', 'alice');
  expect(`${opened.origin}${opened.pathname}`).toBe(`${PROVIDER}/oauth/authenticate`);
  expect(opened.searchParams.get('force_login')).toBe('true');
  expect(opened.searchParams.get('screen_name')).toBe('alice');
  await expect.poll(() => textOf(popup), { message: 'the attention goes' }).not.toContain('Needs write permission');
  await expectText(popup, 'Connected @alice.');
  expect(await textOf(popup)).not.toContain('read only');
  expect(await popup.evaluate(backgroundAccounts)).toEqual([
    expect.objectContaining({ id: before?.id, screenName: 'alice', status: 'active', access: 'write' }),
  ]);
  await expect.poll(() => popup.evaluate(badgeText), { message: 'the badge is cleared' }).toBe('');

  // The site's "always" was kept with the account: the next post goes without a window.
  await expectText(popup, /acts as @alice/);
  const text = `after reconnect in Firefox ${Date.now()}`;
  await post(demo, text);
  await expect.poll(() => demoResult(demo)).toBe('Posted as @alice.');
  const statuses = await firefox.browser.newPage();
  await statuses.goto(`${PROVIDER}/statuses`);
  await expectText(statuses, `@alice ${text}`);
});

test('Add another account: with @alice connected, the provider asks who logs in, and @bob joins her', async ({
  firefox,
}) => {
  const popup = await openPopup(firefox);
  expect(await textOf(popup)).not.toContain('Add another account'); // nothing to add to yet
  await connect(firefox, popup, 'alice');
  await expectText(popup, 'Add another account');
  const opened = await authorizeFromPopup(firefox, popup, 'Add another account', 'bob');
  expect(`${opened.origin}${opened.pathname}`).toBe(`${PROVIDER}/oauth/authenticate`);
  expect(opened.searchParams.get('force_login')).toBe('true');
  expect(opened.searchParams.has('screen_name')).toBe(false);

  await expectText(popup, 'Connected @bob.');
  await expectText(popup, /@alice \(dev\)[\s\S]*@bob \(dev\)|@bob \(dev\)[\s\S]*@alice \(dev\)/);
  const known = await popup.evaluate(backgroundAccounts);
  expect(known.map((a) => a.screenName).sort()).toEqual(['alice', 'bob']);
  expect(new Set(known.map((a) => a.id)).size).toBe(2);
  expect(known.every((a) => a.status === 'active' && a.access === 'write')).toBe(true);
});
