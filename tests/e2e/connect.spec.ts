import type { Page } from '@playwright/test';
import { expect, test } from './support/chromium-extension';

async function openPopup(page: Page, extensionId: string) {
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(page.getByRole('button', { name: 'Connect Dev provider' })).toBeVisible();
}

test('connects the dev provider from the popup and sees @alice', async ({ context, page, extensionId }) => {
  await openPopup(page, extensionId);
  await expect(page.getByText('No account connected yet.')).toBeVisible();

  const authorizeTab = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Connect Dev provider' }).click();
  const provider = await authorizeTab;
  await expect(page.getByText('Waiting for you to authorize Dev provider in the opened tab…')).toBeVisible();

  await expect(provider.getByRole('heading', { name: /Authorize .* to use your account\?/ })).toBeVisible();
  // The background sees the callback, closes the tab and completes the flow.
  // (Waiting starts before the click: the tab may close before click() returns.)
  const closed = provider.waitForEvent('close');
  await provider.getByRole('button', { name: 'Authorize app' }).click();
  await closed;
  const accounts = page.getByRole('list', { name: 'Connected accounts' });
  await expect(accounts).toContainText('@alice');
  await expect(page.getByRole('status')).toHaveText('Connected @alice.');
});

test('connects with a PIN typed into the popup', async ({ context, page, extensionId }) => {
  await openPopup(page, extensionId);
  const authorizeTab = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Use a PIN instead' }).click();
  const provider = await authorizeTab;
  await provider.getByLabel('Signed in as').selectOption({ label: '@bob (Bob Example)' });
  await provider.getByRole('button', { name: 'Authorize app' }).click();
  const pin = await provider.getByTestId('pin').textContent();
  expect(pin).toMatch(/^\d{7}$/);

  await page.getByLabel('PIN shown by Dev provider').fill(pin as string);
  await page.getByRole('button', { name: 'Submit PIN' }).click();
  await expect(page.getByRole('list', { name: 'Connected accounts' })).toContainText('@bob');
});

test('a mistyped PIN is refused with a message, and the right one still connects', async ({
  context,
  page,
  extensionId,
}) => {
  await openPopup(page, extensionId);
  const authorizeTab = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Use a PIN instead' }).click();
  const provider = await authorizeTab;
  await provider.getByRole('button', { name: 'Authorize app' }).click();
  const pin = (await provider.getByTestId('pin').textContent()) as string;
  const mistyped = pin.startsWith('9') ? `1${pin.slice(1)}` : `9${pin.slice(1)}`;

  await page.getByLabel('PIN shown by Dev provider').fill(mistyped);
  await page.getByRole('button', { name: 'Submit PIN' }).click();
  await expect(page.getByRole('alert')).toContainText('did not accept that PIN');
  await page.getByLabel('PIN shown by Dev provider').fill(pin);
  await page.getByRole('button', { name: 'Submit PIN' }).click();
  await expect(page.getByRole('list', { name: 'Connected accounts' })).toContainText('@alice');
});

test('cancelling at the provider connects nothing and says so', async ({ context, page, extensionId }) => {
  await openPopup(page, extensionId);
  const authorizeTab = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Connect Dev provider' }).click();
  const provider = await authorizeTab;
  const closed = provider.waitForEvent('close');
  await provider.getByRole('button', { name: 'Cancel' }).click();
  await closed;
  await expect(page.getByRole('status')).toHaveText('You declined at the provider. Nothing was connected.');
});

test('closing the authorize tab ends the flow', async ({ context, page, extensionId }) => {
  await openPopup(page, extensionId);
  const authorizeTab = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Connect Dev provider' }).click();
  const provider = await authorizeTab;
  await provider.close();
  await expect(page.getByRole('status')).toHaveText('The authorization tab was closed before you finished.');
  await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
});
