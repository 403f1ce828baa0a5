import { clearActivity } from '../activity/activity-log';
import { revokeSiteConsent, setConfirmWrites } from '../consent/site-consents';
import { booleanParam, type Handlers, optionalStringParam, stringParams } from '../messaging/channel';
import { extensionStore } from '../storage/install-key';
import type { SiteMessages } from './page-protocol';

/** Connected sites and the activity log, for the popup and the options page. */
export const siteHandlers: Handlers<SiteMessages> = {
  revokeSite: async (params) => {
    const { origin } = stringParams(params, 'origin');
    const removed = await revokeSiteConsent(extensionStore(), origin, optionalStringParam(params, 'accountId'));
    return { removed };
  },
  setSiteConfirmWrites: async (params) => {
    const { origin, accountId } = stringParams(params, 'origin', 'accountId');
    await setConfirmWrites(extensionStore(), origin, accountId, booleanParam(params, 'confirmWrites'));
    return null;
  },
  clearActivity: async () => {
    await clearActivity(extensionStore());
    return null;
  },
};
