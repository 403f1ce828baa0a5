import type { UseStore } from 'idb-keyval';
import { type ActivityEntry, readActivity } from '../activity/activity-log';
import { listSiteConsents, type SiteConsent } from '../consent/site-consents';
import type { Account } from '../protocol';
import { type FlowOutcome, type PendingFlow, readState } from './flow-state';

/** What the popup and the options page show (the `getState` answer). */
export interface PopupState {
  readonly pending: readonly PendingFlow[];
  readonly accounts: readonly Account[];
  readonly lastOutcome: FlowOutcome | null;
  readonly sites: readonly SiteConsent[];
  /** The newest entries of the activity log. */
  readonly activity: readonly ActivityEntry[];
}

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
