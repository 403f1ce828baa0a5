import browser from 'webextension-polyfill';
import type { ConsentWindowPort } from '../consent/consent-broker';
import type { BrowserPort } from '../flows/flow-engine';

/**
 * The extension APIs as lib/ sees them: the ports the flow engine and the
 * consent broker are written against, wired to `tabs`, `alarms`, `action` and
 * `windows`. Nothing here keeps state; tests pass their own ports instead.
 */

/** The tabs, alarms and toolbar badge the flow engine uses. */
export const browserPort: BrowserPort = {
  openTab: async (url) => (await browser.tabs.create({ url, active: true })).id,
  closeTab: async (tabId) => {
    await browser.tabs.remove(tabId);
  },
  setAlarm: (name, when) => {
    void browser.alarms.create(name, { when });
  },
  clearAlarm: (name) => {
    void browser.alarms.clear(name);
  },
  setBadge: (text) => {
    // MV3's action API in both browsers; the polyfill types it for Chrome and Firefox.
    void browser.action?.setBadgeText({ text });
    if (text) void browser.action?.setBadgeBackgroundColor({ color: '#9a6700' });
  },
};

/** The consent window: a small popup window of our own page, one per question. */
export const consentWindow: ConsentWindowPort = {
  open: async (questionId) =>
    (
      await browser.windows.create({
        url: browser.runtime.getURL(`/consent.html?question=${encodeURIComponent(questionId)}`),
        type: 'popup',
        width: 440,
        height: 560,
        focused: true,
      })
    ).id,
  close: async (windowId) => {
    await browser.windows.remove(windowId);
  },
  focus: async (windowId) => {
    await browser.windows.update(windowId, { focused: true });
  },
};
