import browser from 'webextension-polyfill';
import { defineBackground } from 'wxt/utils/define-background';
import { engineDeps } from '../lib/background/engine-deps';
import { popupHandlers } from '../lib/background/popup-handlers';
import { handleAlarm, handleTabClosed, handleTabUrl } from '../lib/flows/flow-engine';
import { popupMessageListener } from '../lib/messaging/popup-channel';

export default defineBackground(() => {
  // Listeners are registered synchronously at start-up, so that the event
  // that woke a stopped worker is not missed. Each hands over to lib/.
  browser.runtime.onMessage.addListener(popupMessageListener(popupHandlers));
  browser.tabs.onUpdated.addListener((tabId, changeInfo) => {
    if (changeInfo.url) void engineDeps().then((deps) => handleTabUrl(deps, tabId, changeInfo.url as string));
  });
  browser.tabs.onRemoved.addListener((tabId) => {
    void engineDeps().then((deps) => handleTabClosed(deps, tabId));
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    void engineDeps().then((deps) => handleAlarm(deps, alarm.name));
  });
});
