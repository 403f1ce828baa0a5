/**
 * Attach a photo in Firefox: the file crosses Firefox's runtime messaging
 * (a structured clone, unlike Chrome's JSON) and reaches the provider intact.
 */
import { createHash } from 'node:crypto';
import { peek } from '../support/dev-provider-peek';
import { photoBytes } from '../support/photo-bytes';
import { clickButton, expect, extensionUrl, test, textOf } from './support/firefox-extension';
import { connect, consentWindowCloses, demoResult, openDemo, openPopup, PROVIDER } from './support/user-steps';

test('Attach a photo: the consent window shows it with a preview; the post and its image reach the provider intact', async ({
  firefox,
}) => {
  const popup = await openPopup(firefox);
  await connect(firefox, popup);
  const demo = await openDemo(firefox);
  const photo = photoBytes(250_000);
  const text = `photo from Firefox ${Date.now()}`;
  await demo.bringToFront();
  await demo.locator('#status').fill(text);
  // The file as a user's pick would give it: a File in the input's FileList.
  await demo.evaluate((base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'lighthouse.png', { type: 'image/png' }));
    (document.querySelector('#photo') as HTMLInputElement).files = transfer.files;
  }, photo.toString('base64'));
  await demo.locator('button[type=submit]').click();

  const consent = await firefox.pageAt(extensionUrl('consent.html?'));
  await expect.poll(() => textOf(consent)).toContain('lighthouse.png');
  const shown = await textOf(consent);
  expect(shown).toContain(`POST ${PROVIDER}/2/media/upload`);
  expect(shown).toContain('image/png, 250 kB');
  const previewWidth = await consent.$eval('img.preview', (img) => (img as HTMLImageElement).naturalWidth);
  expect(previewWidth).toBeGreaterThan(0);
  await clickButton(consent, 'Allow once');
  await consentWindowCloses(popup);

  await expect.poll(() => demoResult(demo), { timeout: 15_000 }).toBe('Posted as @alice with lighthouse.png.');
  const state = await peek();
  const post = state.posts.find((p) => p.text === text);
  const media = state.media.find((m) => m.id === post?.mediaIds[0]);
  expect(media?.sha256).toBe(createHash('sha256').update(photo).digest('hex'));
  expect(media?.size).toBe(photo.length);
});
