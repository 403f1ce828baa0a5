import type { UseStore } from 'idb-keyval';
import { readActivity } from '../activity/activity-log';
import { listSiteConsents } from '../consent/site-consents';
import type { PopupState } from '../messaging/page-protocol';
import { readState } from './flow-state';

/** How many activity entries the popup shows; the log keeps more. */
export const POPUP_ACTIVITY = 20;

/**
 * What the popup shows, read from IndexedDB: by the background for `getState`,
 * and by the popup itself for its first render and on every change announced
 * (an extension page shares the extension's IndexedDB), so nothing waits for a
 * round trip through the background. A read only: a flow past its time is
 * left out here, and the background drops it (dropExpired) on its next turn.
 */
export async function readPopupState(store: UseStore, now: number): Promise<PopupState> {
  const [state, sites, activity] = await Promise.all([
    readState(store),
    listSiteConsents(store),
    readActivity(store, POPUP_ACTIVITY),
  ]);
  return {
    pending: Object.values(state.pending).filter((flow) => flow.expiresAt > now),
    accounts: state.accounts,
    lastOutcome: state.lastOutcome,
    sites,
    activity,
  };
}
