import browser from 'webextension-polyfill';
import type { BackgroundStatus } from './messaging/popup-protocol';

export const COMPANION_URL: string = import.meta.env.WXT_COMPANION_URL ?? 'http://127.0.0.1:8787';

export function backgroundStatus(): BackgroundStatus {
  return { version: browser.runtime.getManifest().version, companionUrl: COMPANION_URL };
}
