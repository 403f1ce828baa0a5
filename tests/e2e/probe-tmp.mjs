import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';

const dir = resolve('.output/chrome-mv3');
const args = [
  `--disable-extensions-except=${dir}`,
  `--load-extension=${dir}`,
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-gpu',
  '--no-sandbox',
];
const t0 = Date.now();
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'probe-')), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args,
});
console.log('launched', Date.now() - t0);
const sw = ctx.serviceWorkers()[0] ?? (await ctx.waitForEvent('serviceworker'));
console.log('sw', Date.now() - t0, await sw.evaluate(() => chrome.runtime.onMessage.hasListeners()));
console.log(
  'pages',
  ctx.pages().map((p) => p.url()),
);
ctx.on('page', (p) => console.log('page event', p.url()));
try {
  console.log(
    'openPopup',
    await sw.evaluate(async () => {
      await chrome.action.openPopup();
      return 'ok';
    }),
  );
} catch (e) {
  console.log('openPopup failed', e.message);
}
await new Promise((r) => setTimeout(r, 1500));
console.log(
  'pages',
  ctx.pages().map((p) => p.url()),
);
const cdp = await ctx.newCDPSession(ctx.pages()[0]);
console.log(JSON.stringify((await cdp.send('Target.getTargets')).targetInfos.map((t) => [t.type, t.url, t.attached])));
const targets = (await cdp.send('Target.getTargets')).targetInfos;
const pt = targets.find((t) => t.url.endsWith('popup.html'));
try {
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: pt.targetId, flatten: false });
  console.log('attached', sessionId);
  cdp.on('Target.receivedMessageFromTarget', (e) => console.log('msg', e.message.slice(0, 500)));
  await cdp.send('Target.sendMessageToTarget', {
    sessionId,
    message: JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression: 'document.body.innerText' } }),
  });
  await new Promise((r) => setTimeout(r, 500));
} catch (e) {
  console.log('attach failed', e.message);
}
const popup = ctx.pages().find((p) => p.url().endsWith('popup.html'));
if (popup) console.log(await popup.locator('main').innerText());
console.log('total', Date.now() - t0);
await ctx.close();
