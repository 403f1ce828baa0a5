/**
 * What the extension itself says, read the way its own pages read it. Each
 * function runs inside one of the extension's pages (the popup, in Chromium
 * or Firefox), so it must be self-contained: the browsers' evaluate() sends
 * its source, not its closure.
 */
import type { Account } from '../../../lib/protocol';

/** The accounts the background keeps for the popup: the popup's own `getState` message. */
export async function backgroundAccounts(): Promise<Account[]> {
  type Runtime = { sendMessage(message: unknown): Promise<unknown> };
  // Chromium has `chrome` only; Firefox has both, promise-based.
  const api = globalThis as unknown as Record<'browser' | 'chrome', { runtime: Runtime } | undefined>;
  const runtime = (api.browser ?? api.chrome)?.runtime;
  if (!runtime) throw new Error('not an extension page');
  const answer = (await runtime.sendMessage({ channel: 'page→background', name: 'getState', params: {} })) as
    | { ok: true; value: { accounts: Account[] } }
    | { ok: false; error: { code: string; message: string } };
  if (!answer.ok) throw new Error(`getState: ${answer.error.code}: ${answer.error.message}`);
  return answer.value.accounts;
}

/** The toolbar badge's text, as the extension's action API reads it (`!` while an account needs attention). */
export async function badgeText(): Promise<string> {
  type Action = { getBadgeText(details: object): Promise<string> };
  const api = globalThis as unknown as Record<'browser' | 'chrome', { action?: Action } | undefined>;
  const action = (api.browser ?? api.chrome)?.action;
  if (!action) throw new Error('no action API here');
  return action.getBadgeText({});
}
