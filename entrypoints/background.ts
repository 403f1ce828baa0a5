import browser from 'webextension-polyfill';
import { defineBackground } from 'wxt/utils/define-background';
import { contentHandlers } from '../lib/background/content-handlers';
import { isCallbackUrl, withConsent, withEngine } from '../lib/background/engine-deps';
import { pageHandlers } from '../lib/background/page-handlers';
import { handleAskingTabGone, handleConsentWindowClosed } from '../lib/consent/consent-broker';
import { originOf } from '../lib/consent/content-sender';
import { handleAlarm, handleTabClosed, handleTabUrl } from '../lib/flows/flow-engine';
import { contentMessageListener } from '../lib/messaging/content-channel';
import { pageMessageListener } from '../lib/messaging/page-channel';

export default defineBackground(() => {
  // Listeners are registered synchronously at start-up, so that the event
  // that woke a stopped worker is not missed. Each hands over to lib/.
  browser.runtime.onMessage.addListener(pageMessageListener(pageHandlers));
  browser.runtime.onMessage.addListener(contentMessageListener(contentHandlers));
  browser.tabs.onUpdated.addListener((tabId, changeInfo) => {
    if (changeInfo.url === undefined) return;
    // Most navigations are not ours: no IndexedDB work for them.
    if (isCallbackUrl(changeInfo.url)) withEngine((deps) => handleTabUrl(deps, tabId, changeInfo.url as string));
    withConsent((deps) => handleAskingTabGone(deps, tabId, originOf(changeInfo.url)));
  });
  browser.tabs.onRemoved.addListener((tabId) => {
    withEngine((deps) => handleTabClosed(deps, tabId));
    withConsent((deps) => handleAskingTabGone(deps, tabId, null));
  });
  browser.alarms.onAlarm.addListener((alarm) => withEngine((deps) => handleAlarm(deps, alarm.name)));
  browser.windows.onRemoved.addListener((windowId) => withConsent((deps) => handleConsentWindowClosed(deps, windowId)));
});
