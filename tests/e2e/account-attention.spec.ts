/**
 * Accounts that need attention, as a user meets them: a read-only account a
 * site tries to post with, reconnected in place from the popup; and a second
 * account of the same provider.
 */
import { expect, test } from './support/chromium-extension';
import { ALICE, authorizeFromPopup, BOB, connectAccount } from './support/connect-account';
import { answer, openDemo, post, postAndGetConsent, result, uniqueStatus } from './support/demo-page';
import { peek } from './support/dev-provider-peek';
import { backgroundAccounts, badgeText } from './support/extension-state';
import { DEV_PROVIDER_PORT } from './support/global-setup';

const PROVIDER = `http://127.0.0.1:${DEV_PROVIDER_PORT}`;

test('a read-only account cannot post; Reconnect in the popup gives it write access, same account, and the site posts', async ({
  context,
  page,
  extensionId,
}) => {
  await connectAccount(context, page, extensionId, ALICE, 'Read only');
  const accounts = page.getByRole('list', { name: 'Connected accounts' });
  await expect(accounts).toContainText('read only');
  const [before, ...others] = await page.evaluate(backgroundAccounts);
  expect(others).toEqual([]);
  expect(before).toMatchObject({ screenName: 'alice', status: 'active', access: 'read' });
  expect(await page.evaluate(badgeText)).toBe('');

  // The site asks to post; the user lets it, always; the provider refuses the read-only token.
  const demo = await openDemo(context);
  const refused = uniqueStatus('read-only post');
  const consent = await postAndGetConsent(context, demo, refused);
  await consent.getByLabel(/still ask me before each change/).uncheck();
  await answer(consent, 'Always for this site');
  await expect(result(demo)).toContainText('(account_needs_reconnect)');
  expect((await peek()).statuses).not.toContain(refused);
  // The toolbar says so before the popup is opened again.
  await expect.poll(() => page.evaluate(badgeText), { message: 'the badge shows !' }).toBe('!');

  await page.reload();
  const attention = page.getByTestId('attention');
  await expect(attention).toHaveText('Needs write permission: reconnect it to let sites post.');
  await expect(page.getByRole('list', { name: 'Connected sites' })).toContainText('acts as @alice');

  // Reconnect: the provider asks for the login, prefilled; the same user approves.
  const opened = await authorizeFromPopup(context, page, 'Reconnect @alice', ALICE);
  expect(`${opened.origin}${opened.pathname}`).toBe(`${PROVIDER}/oauth/authenticate`);
  expect(opened.searchParams.get('force_login')).toBe('true');
  expect(opened.searchParams.get('screen_name')).toBe('alice');
  await expect(page.getByRole('status')).toHaveText('Connected @alice.');
  await expect(attention).toHaveCount(0);
  await expect(accounts.getByRole('listitem')).toHaveCount(1);
  await expect(accounts).not.toContainText('read only');
  expect(await page.evaluate(backgroundAccounts)).toEqual([
    expect.objectContaining({ id: before?.id, screenName: 'alice', status: 'active', access: 'write' }),
  ]);
  await expect.poll(() => page.evaluate(badgeText), { message: 'the badge is cleared' }).toBe('');

  // The site's "always" was kept with the account: the next post goes without a window.
  await expect(page.getByRole('list', { name: 'Connected sites' })).toContainText('acts as @alice');
  let windows = 0;
  context.on('page', (p) => {
    if (p.url().includes('/consent.html')) windows += 1;
  });
  const text = uniqueStatus('after reconnect');
  await post(demo, text);
  await expect(result(demo)).toHaveText('Posted as @alice.');
  expect(windows).toBe(0);
  const statuses = await context.newPage();
  await statuses.goto(`${PROVIDER}/statuses`);
  await expect(statuses.getByTestId('status').filter({ hasText: text })).toContainText('@alice');
});

test('Add another account: with @alice connected, the provider asks who logs in, and @bob joins her', async ({
  context,
  page,
  extensionId,
}) => {
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(page.getByRole('button', { name: 'Connect Dev provider' })).toBeVisible();
  // Nothing to add to yet.
  await expect(page.getByRole('button', { name: 'Add another account' })).toHaveCount(0);

  await connectAccount(context, page, extensionId, ALICE);
  const opened = await authorizeFromPopup(context, page, 'Add another account', BOB);
  expect(`${opened.origin}${opened.pathname}`).toBe(`${PROVIDER}/oauth/authenticate`);
  expect(opened.searchParams.get('force_login')).toBe('true');
  expect(opened.searchParams.has('screen_name')).toBe(false);

  await expect(page.getByRole('status')).toHaveText('Connected @bob.');
  const accounts = page.getByRole('list', { name: 'Connected accounts' });
  await expect(accounts.getByRole('listitem')).toHaveCount(2);
  await expect(accounts).toContainText('@alice');
  await expect(accounts).toContainText('@bob');
  const known = await page.evaluate(backgroundAccounts);
  expect(known.map((a) => a.screenName).sort()).toEqual(['alice', 'bob']);
  expect(new Set(known.map((a) => a.id)).size).toBe(2);
  expect(known.every((a) => a.status === 'active' && a.access === 'write')).toBe(true);
});
