import { createHash, randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './support/chromium-extension';
import { connectAccount } from './support/connect-account';
import { answer, openDemo, result, uniqueStatus } from './support/demo-page';
import { peek } from './support/dev-provider-peek';
import { DEV_PROVIDER_PORT } from './support/global-setup';
import { photoBytes } from './support/photo-bytes';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const PROVIDER = `http://127.0.0.1:${DEV_PROVIDER_PORT}`;

/**
 * Types a status, attaches `file` as the user's pick would, clicks Post and
 * returns the consent window; `windows()` counts every consent window opened from then on.
 */
async function postWithFile(
  context: BrowserContext,
  demo: Page,
  text: string,
  file: { name: string; mimeType: string; buffer: Buffer },
): Promise<{ consent: Page; windows: () => number }> {
  await demo.getByLabel('Your status').fill(text);
  await demo.getByLabel('Attach a photo or video').setInputFiles(file);
  let windows = 0;
  context.on('page', (p) => {
    if (p.url().includes('/consent.html')) windows += 1;
  });
  const opened = context.waitForEvent('page', (p) => p.url().includes('/consent.html'));
  await demo.getByRole('button', { name: 'Post' }).click();
  return { consent: await opened, windows: () => windows };
}

test('Attach a photo: one consent window with its preview, and the post with its image at the provider, byte for byte', async ({
  context,
  page,
  extensionId,
}) => {
  await connectAccount(context, page, extensionId);
  const demo = await openDemo(context);
  const photo = photoBytes(300_000);
  const text = uniqueStatus('with a photo');
  const { consent, windows } = await postWithFile(context, demo, text, {
    name: 'harbour.png',
    mimeType: 'image/png',
    buffer: photo,
  });

  await expect(consent.getByTestId('consent-request')).toHaveText(`POST ${PROVIDER}/2/media/upload`);
  const file = consent.getByTestId('consent-file');
  await expect(file).toContainText('harbour.png');
  await expect(file).toContainText('image/png, 300 kB');
  const preview = consent.getByRole('img', { name: 'Preview of harbour.png' });
  await expect(preview).toBeVisible();
  expect(await preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(consent.getByTestId('consent-sequence')).toContainText(`up to 1 more requests to ${PROVIDER}/2/`);
  await answer(consent, 'Allow once');

  await expect(result(demo)).toHaveText('Posted as @alice with harbour.png.');
  expect(windows()).toBe(1);
  const state = await peek();
  const post = state.posts.find((p) => p.text === text);
  expect(post?.mediaIds).toHaveLength(1);
  const media = state.media.find((m) => m.id === post?.mediaIds[0]);
  expect(media).toMatchObject({
    contentType: 'image/png',
    category: 'tweet_image',
    size: photo.length,
    sha256: sha256(photo),
  });

  const statuses = await context.newPage();
  await statuses.goto(`${PROVIDER}/statuses`);
  const image = statuses.getByTestId('status').filter({ hasText: text }).getByTestId('status-media');
  await expect(image).toBeVisible();
  expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  const activity = page.getByRole('list', { name: 'Recent activity' });
  await expect(activity.getByTestId('activity-files').first()).toBeVisible();
  await expect(activity).toContainText('with harbour.png (300 kB)');
});

test('a chunked video upload asks once, sends every chunk, and the provider gets the exact bytes', async ({
  context,
  page,
  extensionId,
}) => {
  await connectAccount(context, page, extensionId);
  const demo = await openDemo(context);
  // Three appends of at most 4 MiB: 4 + 4 + 1 MiB.
  const video = randomBytes(9 * 1024 * 1024);
  const text = uniqueStatus('with a video');
  const { consent, windows } = await postWithFile(context, demo, text, {
    name: 'clip.mp4',
    mimeType: 'video/mp4',
    buffer: video,
  });
  await expect(consent.getByTestId('consent-request')).toHaveText(`POST ${PROVIDER}/2/media/upload/initialize`);
  await expect(consent.getByTestId('consent-file')).toContainText('clip.mp4');
  await expect(consent.getByTestId('consent-file')).toContainText('video/mp4, 9.4 MB');
  await answer(consent, 'Allow once');

  await expect(result(demo)).toHaveText('Posted as @alice with clip.mp4.', { timeout: 30_000 });
  expect(windows()).toBe(1);
  const state = await peek();
  const post = state.posts.find((p) => p.text === text);
  const media = state.media.find((m) => m.id === post?.mediaIds[0]);
  expect(media).toMatchObject({
    contentType: 'video/mp4',
    category: 'tweet_video',
    size: video.length,
    sha256: sha256(video),
  });
});
