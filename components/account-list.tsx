import { useEffect, useRef, useState } from 'preact/hooks';
import type { Account, ProviderRetirement } from '../lib/protocol';
import { type MessageKey, plural, t } from './i18n';

interface Props {
  accounts: readonly Account[];
  /** Providers retiring OAuth 1.0a (the companion announces them 30 days ahead), by provider id. */
  retirements?: Readonly<Record<string, ProviderRetirement>>;
  busy: boolean;
  /** Connects an account that needs attention again, in place. */
  onReconnect?: (accountId: string) => void;
  onRevoke: (accountId: string) => void;
  onRevokeAll: () => void;
}

const date = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString() : t('accountNever'));

/** What an account's status means to its user (the message's name); nothing for one that works. */
const ATTENTION: Record<Account['status'], MessageKey | null> = {
  active: null,
  invalid: 'accountAttentionInvalid',
  needs_permission: 'accountAttentionNeedsPermission',
  expired: 'accountAttentionExpired',
};

/** Connected accounts, each revocable after a confirmation. */

export function AccountList({ accounts, retirements = {}, busy, onReconnect, onRevoke, onRevokeAll }: Props) {
  const [confirming, setConfirming] = useState<string | null>(null);
  // Keyboard and screen-reader users follow the question: focus goes to its safe answer (Keep) when it
  // opens, and back to the button that opened it when it is kept.
  const keepButton = useRef<HTMLButtonElement>(null);
  const returnTo = useRef<string | null>(null);
  useEffect(() => {
    if (confirming !== null) {
      keepButton.current?.focus();
    } else if (returnTo.current !== null) {
      document.querySelector<HTMLButtonElement>(`[data-revoke="${CSS.escape(returnTo.current)}"]`)?.focus();
      returnTo.current = null;
    }
  }, [confirming]);
  const keep = () => {
    returnTo.current = confirming;
    setConfirming(null);
  };
  if (accounts.length === 0) return <p class="muted">{t('accountsNone')}</p>;
  return (
    <>
      <ul class="accounts" aria-label={t('accountsLabel')}>
        {accounts.map((account) => (
          <li key={account.id}>
            <strong>@{account.screenName}</strong> <span class="muted">({account.provider})</span>
            {account.access === 'read' && <span class="muted"> · {t('accountReadOnly')}</span>}
            {ATTENTION[account.status] !== null && (
              <>
                <br />
                <span class="error" data-testid="attention">
                  {t(ATTENTION[account.status] as MessageKey)}
                </span>{' '}
                {onReconnect && (
                  <button type="button" disabled={busy} onClick={() => onReconnect(account.id)}>
                    {t('accountReconnect', account.screenName)}
                  </button>
                )}
              </>
            )}
            {retirements[account.provider] && (
              <>
                <br />
                <small class="warning" data-testid="retirement">
                  {retirements[account.provider]?.note}
                </small>
              </>
            )}
            <br />
            <small class="muted">{t('accountDates', date(account.createdAt), date(account.lastUsedAt))}</small>
            <br />
            {confirming === account.id ? (
              <span>
                {t('accountRevokeQuestion', account.screenName)}{' '}
                <button type="button" disabled={busy} onClick={() => onRevoke(account.id)}>
                  {t('yesRevoke')}
                </button>{' '}
                <button type="button" class="secondary" ref={keepButton} onClick={keep}>
                  {t('keep')}
                </button>
              </span>
            ) : (
              <button
                type="button"
                class="secondary"
                data-revoke={account.id}
                onClick={() => setConfirming(account.id)}
              >
                {t('accountRevoke', account.screenName)}
              </button>
            )}
          </li>
        ))}
      </ul>
      {accounts.length > 1 &&
        (confirming === 'all' ? (
          <p>
            {plural('accountsRevokeAllQuestion', accounts.length)}{' '}
            <button type="button" disabled={busy} onClick={onRevokeAll}>
              {t('yesRevokeAll')}
            </button>{' '}
            <button type="button" class="secondary" ref={keepButton} onClick={keep}>
              {t('keep')}
            </button>
          </p>
        ) : (
          <p>
            <button type="button" class="secondary" data-revoke="all" onClick={() => setConfirming('all')}>
              {t('revokeAll')}
            </button>
          </p>
        ))}
    </>
  );
}
