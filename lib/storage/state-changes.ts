/**
 * Stored state changed: the background (or any extension page) says so on a
 * BroadcastChannel, and open pages (the popup, the options page) reload what
 * they show at once, instead of polling. Extension pages and the background
 * share the extension's origin, which is all a BroadcastChannel needs, in
 * Chrome's service worker and Firefox's event page alike. A message carries
 * the key that changed, never a value.
 */
const CHANNEL = 'oauth1-connect:state';

let sender: BroadcastChannel | undefined;

/** Tells open pages that `key` changed. Without BroadcastChannel (old test environments), nothing. */
export function announceChange(key: string): void {
  if (typeof BroadcastChannel === 'undefined') return;
  if (!sender) {
    sender = new BroadcastChannel(CHANNEL);
    // In Node (tests) an open channel would keep the process alive.
    (sender as BroadcastChannel & { unref?: () => void }).unref?.();
  }
  sender.postMessage({ key });
}

/**
 * Calls `listener` with the key of every change announced elsewhere (not by
 * this page's own announcements). Returns the function that stops listening.
 */
export function onStateChange(listener: (key: string) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<{ key?: unknown }>) => {
    if (typeof event.data?.key === 'string') listener(event.data.key);
  };
  return () => channel.close();
}
