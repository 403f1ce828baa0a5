import type { SiteConsent } from '../lib/consent/site-consents';

interface Props {
  sites: readonly SiteConsent[];
  busy: boolean;
  onRevoke: (origin: string, accountId: string) => void;
  onConfirmWrites: (origin: string, accountId: string, confirmWrites: boolean) => void;
}

/** Sites allowed ("Always for this site") to act as an account, each revocable. */
export function SiteList({ sites, busy, onRevoke, onConfirmWrites }: Props) {
  if (sites.length === 0) return <p class="muted">No site may act for you without asking.</p>;
  return (
    <ul class="sites" aria-label="Connected sites">
      {sites.map((site) => (
        <li key={`${site.origin} ${site.accountId}`}>
          <strong>{site.origin}</strong>
          <br />
          <small class="muted">
            acts as @{site.screenName} ({site.provider}):{' '}
            {site.confirmWrites ? 'reads freely, asks before each change' : 'reads and changes without asking'}
          </small>
          <label class="inline">
            <input
              type="checkbox"
              checked={site.confirmWrites}
              disabled={busy}
              onChange={(e) => onConfirmWrites(site.origin, site.accountId, e.currentTarget.checked)}
            />
            Ask before each change
          </label>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            aria-label={`Revoke ${site.origin} for @${site.screenName}`}
            onClick={() => onRevoke(site.origin, site.accountId)}
          >
            Revoke
          </button>
        </li>
      ))}
    </ul>
  );
}
