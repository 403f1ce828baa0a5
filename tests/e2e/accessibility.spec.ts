/**
 * The extension's pages hold to WCAG as axe-core checks it (0 serious or
 * critical violations), and work by keyboard: the popup, the options page and
 * the consent window.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './support/chromium-extension';
import { authorizeFromPopup, connectAccount } from './support/connect-account';
import { openDemo, postAndGetConsent, uniqueStatus } from './support/demo-page';

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('the popup, with an account connected, has no serious or critical axe violations', async ({
  context,
  page,
  extensionId,
}) => {
  await connectAccount(context, page, extensionId);
  expect(await seriousViolations(page)).toEqual([]);
});

test('the options page has no serious or critical axe violations', async ({ page, extensionId }) => {
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  await expect(page.getByRole('heading').first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('the consent window has no serious or critical axe violations, and a keyboard alone answers it', async ({
  context,
  page,
  extensionId,
}) => {
  await connectAccount(context, page, extensionId);
  const demo = await openDemo(context);
  const consent = await postAndGetConsent(context, demo, uniqueStatus('keyboard'));
  expect(await seriousViolations(consent)).toEqual([]);
  // Deny has the focus: Enter refuses.
  await expect(consent.getByRole('button', { name: 'Deny', exact: true })).toBeFocused();
  const closed = consent.waitForEvent('close');
  // Enter clicks on key down, and the answer closes the window: the key's release may find no page left.
  await consent.keyboard.press('Enter').catch((error: unknown) => {
    if (!consent.isClosed()) throw error;
  });
  await closed;
  await expect(demo.getByRole('status')).toContainText('consent_denied');
});

test('revoking by keyboard: focus moves into the confirmation, and back when kept', async ({
  context,
  page,
  extensionId,
}) => {
  await connectAccount(context, page, extensionId);
  const revoke = page.getByRole('button', { name: 'Revoke @alice' });
  await revoke.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Keep' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Revoke @alice' })).toBeFocused();
});

test('the popup’s outcome is announced by a live region that was there, empty, before it', async ({
  context,
  page,
  extensionId,
}) => {
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(page.getByRole('button', { name: 'Connect Dev provider' })).toBeVisible();
  const region = page.getByRole('status');
  await expect(region).toHaveText('');
  await expect(region).toHaveAttribute('aria-live', 'polite');
  const before = await region.elementHandle();
  await authorizeFromPopup(context, page, 'Connect Dev provider');
  await expect(region).toHaveText('Connected @alice.');
  // The same element: mounted before, filled now.
  expect(await before?.evaluate((node) => node.isConnected)).toBe(true);
});
