import type { BrowserContext, Page } from '@playwright/test';
import { expect } from './chromium-extension';

/** Connects a dev-provider account as a user does: the popup's Connect, then Authorize at the provider. */
export async function connectAccount(
  context: BrowserContext,
  page: Page,
  extensionId: string,
  user = '@alice (Alice Example)',
) {
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  const authorizeTab = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Connect Dev provider' }).click();
  const provider = await authorizeTab;
  await provider.getByLabel('Signed in as').selectOption({ label: user });
  const closed = provider.waitForEvent('close');
  await provider.getByRole('button', { name: 'Authorize app' }).click();
  await closed;
  await expect(page.getByRole('list', { name: 'Connected accounts' })).toContainText(user.split(' ')[0] as string);
}
