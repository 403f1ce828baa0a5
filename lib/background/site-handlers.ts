import { clearActivity } from '../activity/activity-log';
import { revokeSiteConsent, setConfirmWrites } from '../consent/site-consents';
import { withSchemas } from '../messaging/channel';
import { extensionStore } from '../storage/registry';
import { PAGE_PARAMS, type SiteMessages } from './page-protocol';

/** Connected sites and the activity log, for the popup and the options page. */
export const siteHandlers = withSchemas<SiteMessages>(PAGE_PARAMS, {
  revokeSite: async ({ origin, accountId }) => ({
    removed: await revokeSiteConsent(extensionStore(), origin, accountId),
  }),
  setSiteConfirmWrites: async ({ origin, accountId, confirmWrites = false }) => {
    await setConfirmWrites(extensionStore(), origin, accountId, confirmWrites);
    return null;
  },
  clearActivity: async () => {
    await clearActivity(extensionStore());
    return null;
  },
});
