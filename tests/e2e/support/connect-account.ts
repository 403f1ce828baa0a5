import type { BrowserContext, Page } from '@playwright/test';
import { expect } from './chromium-extension';

/** The dev provider's demo users, as its authorize page lists them. */
export const ALICE = '@alice (Alice Example)';
export const BOB = '@bob (Bob Example)';

/**
 * Clicks `button` in the popup, then, in the provider's tab that opens, signs
 * in as `user` and clicks Authorize app; the background sees the callback and
 * closes the tab. Returns the address the tab was opened at.
 */
export async function authorizeFromPopup(
  context: BrowserContext,
  popup: Page,
  button: string,
  user = ALICE,
): Promise<URL> {
  const authorizeTab = context.waitForEvent('page');
  await popup.getByRole('button', { name: button, exact: true }).click();
  const provider = await authorizeTab;
  await provider.getByLabel('Signed in as').selectOption({ label: user });
  const opened = new URL(provider.url()); // the authorize page is there by now
  // Waiting starts before the click: the tab may close before click() returns.
  const closed = provider.waitForEvent('close');
  await provider.getByRole('button', { name: 'Authorize app' }).click();
  await closed;
  return opened;
}

/**
 * Connects a dev-provider account as a user does: the popup's Connect (or
 * `button`, e.g. "Read only"), then Authorize at the provider.
 */
export async function connectAccount(
  context: BrowserContext,
  page: Page,
  extensionId: string,
  user = ALICE,
  button = 'Connect Dev provider',
) {
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await authorizeFromPopup(context, page, button, user);
  await expect(page.getByRole('list', { name: 'Connected accounts' })).toContainText(user.split(' ')[0] as string);
}
