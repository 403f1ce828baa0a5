import { expect, test } from './support/chromium-extension';
import { connectAccount } from './support/connect-account';
import { answer, OTHER_SITE_DEMO, openDemo, post, postAndGetConsent, result, uniqueStatus } from './support/demo-page';
import { peek } from './support/dev-provider-peek';
import { DEV_PROVIDER_PORT } from './support/global-setup';

test('Allow once posts the status, which the dev provider shows, and the next post asks again', async ({
  context,
  page,
  extensionId,
}) => {
  await connectAccount(context, page, extensionId);
  const demo = await openDemo(context);
  const text = uniqueStatus('allowed once');
  const consent = await postAndGetConsent(context, demo, text);
  await expect(consent.getByTestId('consent-origin')).toHaveText(`http://127.0.0.1:${DEV_PROVIDER_PORT}`);
  await expect(consent.getByTestId('consent-request')).toHaveText(
    `POST http://127.0.0.1:${DEV_PROVIDER_PORT}/1.1/statuses/update.json`,
  );
  await expect(consent.getByText(text)).toBeVisible(); // what will be posted, before it is
  await answer(consent, 'Allow once');
  await expect(result(demo)).toHaveText('Posted as @alice.');

  const statuses = await context.newPage();
  await statuses.goto(`http://127.0.0.1:${DEV_PROVIDER_PORT}/statuses`);
  await expect(statuses.getByTestId('status').filter({ hasText: text })).toContainText('@alice');

  const again = await postAndGetConsent(context, demo, uniqueStatus('asked again'));
  await answer(again, 'Deny');
  await expect(result(demo)).toContainText('consent_denied');
});

test('Always for this site: later posts go without a window; the popup lists the site and the activity', async ({
  context,
  page,
  extensionId,
}) => {
  await connectAccount(context, page, extensionId);
  const demo = await openDemo(context);
  const first = await postAndGetConsent(context, demo, uniqueStatus('first'));
  // On by default, so that "Always" does not silently cover changes; this user lets the site post freely.
  await expect(first.getByLabel(/still ask me before each change/)).toBeChecked();
  await first.getByLabel(/still ask me before each change/).uncheck();
  await answer(first, 'Always for this site');
  await expect(result(demo)).toHaveText('Posted as @alice.');

  const second = uniqueStatus('second, unasked');
  let windows = 0;
  context.on('page', (p) => {
    if (p.url().includes('/consent.html')) windows += 1;
  });
  await post(demo, second);
  await expect(result(demo)).toHaveText('Posted as @alice.');
  await expect.poll(async () => (await peek()).statuses).toContain(second);
  expect(windows).toBe(0);

  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  const sites = page.getByRole('list', { name: 'Connected sites' });
  await expect(sites).toContainText(`http://127.0.0.1:${DEV_PROVIDER_PORT}`);
  await expect(sites).toContainText('acts as @alice');
  const activity = page.getByRole('list', { name: 'Recent activity' });
  await expect(activity.getByRole('listitem')).toHaveCount(2);
  await expect(activity.getByRole('listitem').first()).toContainText('Sent (HTTP 200)');
  await expect(activity.getByRole('listitem').first()).toContainText(
    `POST http://127.0.0.1:${DEV_PROVIDER_PORT}/1.1/statuses/update.json`,
  );
  await page.getByRole('button', { name: 'Clear activity' }).click();
  await expect(page.getByText('No site has asked for anything yet.')).toBeVisible();
});

test('Deny: nothing is posted, the page hears consent_denied, the popup logs it', async ({
  context,
  page,
  extensionId,
}) => {
  await connectAccount(context, page, extensionId);
  const demo = await openDemo(context);
  const text = uniqueStatus('denied');
  await answer(await postAndGetConsent(context, demo, text), 'Deny');
  await expect(result(demo)).toContainText('(consent_denied)');
  expect((await peek()).statuses).not.toContain(text);
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(page.getByRole('list', { name: 'Recent activity' })).toContainText('Denied');
});

test('without an account: the window tells the user, the page hears only consent_denied, the popup logs no_account', async ({
  context,
  page,
  extensionId,
}) => {
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(page.getByText('No account connected yet.')).toBeVisible();
  const demo = await openDemo(context);
  const text = uniqueStatus('no account');
  const window = await postAndGetConsent(context, demo, text);
  await expect(window.getByTestId('account-problem')).toContainText('You have no Dev provider account connected.');
  await expect(window.getByRole('button', { name: 'Allow once' })).toHaveCount(0);
  await answer(window, 'Close');
  await expect(result(demo)).toContainText('(consent_denied)');
  expect((await peek()).statuses).not.toContain(text);
  await page.reload();
  await expect(page.getByRole('list', { name: 'Recent activity' })).toContainText('Refused (no_account)');
});

test('no answer in time is a no: the window closes and nothing is posted', async ({ context, page, extensionId }) => {
  await connectAccount(context, page, extensionId);
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  await page.getByRole('spinbutton').fill('5');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');

  const demo = await openDemo(context);
  const text = uniqueStatus('timed out');
  const consent = await postAndGetConsent(context, demo, text);
  await expect(consent.getByText(/Denied automatically in \d s/)).toBeVisible();
  await consent.waitForEvent('close', { timeout: 10_000 });
  await expect(result(demo)).toContainText('no answer in time');
  expect((await peek()).statuses).not.toContain(text);
});

test('closing the consent window is a no', async ({ context, page, extensionId }) => {
  await connectAccount(context, page, extensionId);
  const demo = await openDemo(context);
  const consent = await postAndGetConsent(context, demo, uniqueStatus('window closed'));
  await consent.close();
  await expect(result(demo)).toContainText('consent window was closed');
});

test('revoking a site in the popup makes it ask again', async ({ context, page, extensionId }) => {
  await connectAccount(context, page, extensionId);
  const demo = await openDemo(context);
  const before = await postAndGetConsent(context, demo, uniqueStatus('before revoke'));
  await before.getByLabel(/still ask me before each change/).uncheck();
  await answer(before, 'Always for this site');
  await expect(result(demo)).toHaveText('Posted as @alice.');

  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await page.getByRole('button', { name: `Revoke http://127.0.0.1:${DEV_PROVIDER_PORT} for @alice` }).click();
  await expect(page.getByText('No site may act for you without asking.')).toBeVisible();

  const asked = await postAndGetConsent(context, demo, uniqueStatus('after revoke'));
  await answer(asked, 'Deny');
  await expect(result(demo)).toContainText('consent_denied');
});

test('a site allowed with "ask before each change" reads freely but must confirm each post', async ({
  context,
  page,
  extensionId,
}) => {
  await connectAccount(context, page, extensionId);
  const demo = await openDemo(context);
  const first = await postAndGetConsent(context, demo, uniqueStatus('first write'));
  await first.getByLabel(/still ask me before each change/).check();
  await answer(first, 'Always for this site');
  await expect(result(demo)).toHaveText('Posted as @alice.');

  // A read needs no window.
  await demo.getByRole('button', { name: 'Who am I?' }).click();
  await expect(result(demo)).toHaveText('You are @alice.');

  // A write does, with Allow / Deny only.
  const text = uniqueStatus('confirmed write');
  const confirm = await postAndGetConsent(context, demo, text);
  await expect(confirm.getByRole('heading')).toContainText('wants to make a change');
  await expect(confirm.getByRole('button', { name: 'Always for this site' })).toHaveCount(0);
  await answer(confirm, 'Allow');
  await expect(result(demo)).toHaveText('Posted as @alice.');
  await expect.poll(async () => (await peek()).statuses).toContain(text);
});

test('another site is asked separately, and one question per site is open at a time', async ({
  context,
  page,
  extensionId,
}) => {
  await connectAccount(context, page, extensionId);
  const demo = await openDemo(context);
  await answer(await postAndGetConsent(context, demo, uniqueStatus('site one')), 'Always for this site');
  await expect(result(demo)).toHaveText('Posted as @alice.');

  const other = await openDemo(context, OTHER_SITE_DEMO);
  const consent = await postAndGetConsent(context, other, uniqueStatus('site two'));
  await expect(consent.getByTestId('consent-origin')).toHaveText(`http://localhost:${DEV_PROVIDER_PORT}`);
  // While it waits, the same site's second request is refused rather than stacking windows.
  await other.getByRole('button', { name: 'Who am I?' }).click();
  await expect(result(other)).toContainText('consent_pending');
  await answer(consent, 'Deny');
});

test('a question ends when its page goes elsewhere: the window closes and nothing is posted', async ({
  context,
  page,
  extensionId,
}) => {
  await connectAccount(context, page, extensionId);
  const demo = await openDemo(context);
  const text = uniqueStatus('page left');
  const consent = await postAndGetConsent(context, demo, text);
  const closed = consent.waitForEvent('close');
  await demo.goto(`http://127.0.0.1:${DEV_PROVIDER_PORT}/statuses`.replace('127.0.0.1', 'localhost'));
  await closed;
  expect((await peek()).statuses).not.toContain(text);
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(page.getByRole('list', { name: 'Recent activity' })).toContainText('Denied');
});
