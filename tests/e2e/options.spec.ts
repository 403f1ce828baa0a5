import { expect, test } from './support/chromium-extension';
import { connectAccount } from './support/connect-account';
import { peek } from './support/dev-provider-peek';
import { COMPANION_PORT } from './support/global-setup';

const COMPANION = `http://127.0.0.1:${COMPANION_PORT}`;

test('Test connection says whether a companion answers; a dead one is not saved', async ({ page, extensionId }) => {
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  const url = page.getByLabel('Companion URL');
  await expect(url).toHaveValue(COMPANION);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('status')).toHaveText('The companion answers: 1 provider.');

  // Nothing listens on port 9 here; the host permission covers every port of 127.0.0.1, so no prompt.
  await url.fill('http://127.0.0.1:9');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('alert')).toHaveText('The companion cannot be reached. Is it running?');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Companion URL')).toHaveValue(COMPANION);

  await page.getByLabel('Companion URL').fill('http://companion.example.com');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('HTTPS');
});

test('Forget this device revokes the accounts at the companion and wipes the extension', async ({
  context,
  page,
  extensionId,
}) => {
  await connectAccount(context, page, extensionId);
  const token = (await peek()).accessTokens.at(-1)?.token;
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  await page.getByRole('button', { name: 'Forget this device' }).click();
  await page.getByRole('button', { name: 'Yes, forget this device' }).click();
  await expect(page.getByRole('status')).toHaveText(
    'This device was forgotten: 1 account revoked at the companion, local data wiped.',
  );
  expect((await peek()).accessTokens.map((t) => t.token)).not.toContain(token);
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(page.getByText('No account connected yet.')).toBeVisible();
});
