import { isLoopbackHost } from '../protocol/loopback';

/** The parts of `runtime.MessageSender` the judgement reads (the browser fills them in, not the page). */
export interface ContentSender {
  readonly id?: string | undefined;
  readonly url?: string | undefined;
  /** Chrome sets it for content scripts; Firefox does not (the URL then decides). */
  readonly origin?: string | undefined;
  readonly frameId?: number | undefined;
  readonly tab?: { readonly id?: number | undefined; readonly url?: string | undefined } | undefined;
}

export type SenderVerdict =
  | { readonly ok: true; readonly origin: string; readonly tabId: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Who is asking, as the browser says it: our own content script, in the top
 * frame of a tab, on an https page (or http on this machine). The origin
 * comes from the sender, never from the message.
 *
 * Only the top frame: a frame of an allowed site inside another site's page
 * would let that page drive a consented site, and a frame of another origin
 * inside an allowed page is not that page.
 */
export function judgeContentSender(sender: ContentSender, ownId: string): SenderVerdict {
  if (sender.id !== ownId) return refuse('the message comes from another extension');
  const tabId = sender.tab?.id;
  if (typeof tabId !== 'number' || tabId < 0) return refuse('the message does not come from a tab');
  if (sender.frameId !== 0) return refuse('only a page’s top frame may ask for signed actions');
  const frameOrigin = originOf(sender.url);
  if (frameOrigin === null) return refuse('the sender has no web origin');
  // Two views of one top frame must agree; a tab that moved on since the message was sent is refused.
  if (sender.origin !== undefined && sender.origin !== frameOrigin) return refuse('the sender’s origins disagree');
  if (sender.tab?.url !== undefined && originOf(sender.tab.url) !== frameOrigin) {
    return refuse('the tab is no longer on the page that asked');
  }
  const { protocol, hostname } = new URL(frameOrigin);
  if (protocol !== 'https:' && !(protocol === 'http:' && isLoopbackHost(hostname))) {
    return refuse('only https pages (or http on this machine) may ask for signed actions');
  }
  return { ok: true, origin: frameOrigin, tabId };
}

/** A URL's origin, or null for none (unparsable, or opaque such as data:). */
export function originOf(url: string | undefined): string | null {
  if (url === undefined || !URL.canParse(url)) return null;
  const origin = new URL(url).origin;
  // Opaque origins (data:, blob: of one, sandboxed) serialise as "null".
  return origin === 'null' ? null : origin;
}

function refuse(reason: string): SenderVerdict {
  return { ok: false, reason };
}
