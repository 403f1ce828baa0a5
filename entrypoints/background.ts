import browser from 'webextension-polyfill';
import { defineBackground } from 'wxt/utils/define-background';
import { backgroundStatus } from '../lib/background-status';
import { popupMessageListener } from '../lib/messaging/popup-channel';

export default defineBackground(() => {
  // Listeners are registered synchronously at start-up so that an event that
  // woke the worker is not missed.
  browser.runtime.onMessage.addListener(
    popupMessageListener({
      getStatus: () => backgroundStatus(),
    }),
  );
});
