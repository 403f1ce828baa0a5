import type { BrowserContext, Page } from '@playwright/test';
import { expect } from './chromium-extension';
import { DEV_PROVIDER_PORT } from './global-setup';

/** The dev provider's demo app, whose content script posts through the extension. */
export const DEMO = `http://127.0.0.1:${DEV_PROVIDER_PORT}/demo`;
/** The same app under another host name: another origin, so another site for the consent rules. */
export const OTHER_SITE_DEMO = `http://localhost:${DEV_PROVIDER_PORT}/demo`;

/** A status no other test posts (the dev provider keeps them for the whole run). */
export const uniqueStatus = (label: string) => `${label} ${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

export async function openDemo(context: BrowserContext, url = DEMO): Promise<Page> {
  const demo = await context.newPage();
  await demo.goto(url);
  // The content script says it is there: posting before that would submit the bare form.
  await expect(demo.getByText('The OAuth 1.0a Connect extension is active')).toBeVisible();
  return demo;
}

/** Types the status and clicks Post. */
export async function post(demo: Page, text: string) {
  await demo.getByLabel('Your status').fill(text);
  await demo.getByRole('button', { name: 'Post' }).click();
}

/** Clicks Post and returns the consent window the background opens. */
export async function postAndGetConsent(context: BrowserContext, demo: Page, text: string): Promise<Page> {
  const consent = context.waitForEvent('page', (p) => p.url().includes('/consent.html'));
  await post(demo, text);
  const window = await consent;
  await expect(window.getByRole('heading')).toBeVisible();
  return window;
}

/** Clicks one of the consent window's buttons; the window closes. */
export async function answer(window: Page, button: string) {
  const closed = window.waitForEvent('close');
  await window.getByRole('button', { name: button, exact: true }).click();
  await closed;
}

/** What the demo page says came of its last request. */
export const result = (demo: Page) => demo.getByRole('status');
