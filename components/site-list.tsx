import type { SiteConsent } from '../lib/consent/site-consents';
import { t } from './i18n';

interface Props {
  sites: readonly SiteConsent[];
  busy: boolean;
  onRevoke: (origin: string, accountId: string) => void;
  onConfirmWrites: (origin: string, accountId: string, confirmWrites: boolean) => void;
}

/** Sites allowed ("Always for this site") to act as an account, each revocable. */
export function SiteList({ sites, busy, onRevoke, onConfirmWrites }: Props) {
  if (sites.length === 0) return <p class="muted">{t('sitesNone')}</p>;
  return (
    <ul class="sites" aria-label={t('connectedSites')}>
      {sites.map((site) => (
        <li key={`${site.origin} ${site.accountId}`}>
          <strong>{site.origin}</strong>
          <br />
          <small class="muted">
            {t(site.confirmWrites ? 'siteActsAsConfirming' : 'siteActsAsFreely', site.screenName, site.provider)}
          </small>
          <label class="inline">
            <input
              type="checkbox"
              checked={site.confirmWrites}
              disabled={busy}
              onChange={(e) => onConfirmWrites(site.origin, site.accountId, e.currentTarget.checked)}
            />
            {t('siteConfirmWrites')}
          </label>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            aria-label={t('siteRevokeLabel', site.origin, site.screenName)}
            onClick={() => onRevoke(site.origin, site.accountId)}
          >
            {t('revoke')}
          </button>
        </li>
      ))}
    </ul>
  );
}
