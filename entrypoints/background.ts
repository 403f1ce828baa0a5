import browser from 'webextension-polyfill';
import { defineBackground } from 'wxt/utils/define-background';
import { isCallbackUrl, withEngine } from '../lib/background/engine-deps';
import { popupHandlers } from '../lib/background/popup-handlers';
import { handleAlarm, handleTabClosed, handleTabUrl } from '../lib/flows/flow-engine';
import { popupMessageListener } from '../lib/messaging/popup-channel';

export default defineBackground(() => {
  // Listeners are registered synchronously at start-up, so that the event
  // that woke a stopped worker is not missed. Each hands over to lib/.
  browser.runtime.onMessage.addListener(popupMessageListener(popupHandlers));
  browser.tabs.onUpdated.addListener((tabId, changeInfo) => {
    // Most navigations are not ours: no IndexedDB work for them.
    if (isCallbackUrl(changeInfo.url)) withEngine((deps) => handleTabUrl(deps, tabId, changeInfo.url as string));
  });
  browser.tabs.onRemoved.addListener((tabId) => withEngine((deps) => handleTabClosed(deps, tabId)));
  browser.alarms.onAlarm.addListener((alarm) => withEngine((deps) => handleAlarm(deps, alarm.name)));
});
