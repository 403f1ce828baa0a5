import browser from 'webextension-polyfill';
import { handleAskingTabGone, handleConsentWindowClosed } from '../consent/consent-broker';
import { originOf } from '../consent/content-sender';
import { handleAlarm, handleTabClosed, handleTabUrl, isCallbackUrl } from '../flows/flow-engine';
import { contentMessageListener } from '../messaging/content-channel';
import { pageMessageListener } from '../messaging/page-channel';
import { withConsent } from './consent-deps';
import { contentHandlers } from './content-handlers';
import { withEngine } from './flow-deps';
import { pageHandlers } from './page-handlers';

/**
 * Registers every listener of the background on the extension APIs
 * (`runtime.onMessage` for the page and content channels, `tabs.onUpdated`,
 * `tabs.onRemoved`, `alarms.onAlarm`, `windows.onRemoved`). Called
 * synchronously at start-up (entrypoints/background.ts), so that the event
 * that woke a stopped worker is not missed. Each listener hands over to lib/
 * with dependencies built for that event; none keeps state between events.
 */
export function registerBackgroundListeners(): void {
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
}
