import { useEffect, useRef, useState } from 'preact/hooks';
import type { Account, ProviderRetirement } from '../lib/protocol';

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

const date = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString() : 'never');

/** Connected accounts, each revocable after a confirmation. */
/** What an account's status means to its user; nothing for one that works. */
const ATTENTION: Record<Account['status'], string | null> = {
  active: null,
  invalid: 'The provider no longer accepts this account: reconnect it.',
  needs_permission: 'Needs write permission: reconnect it to let sites post.',
  expired: 'Its access has expired: reconnect it.',
};

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
  if (accounts.length === 0) return <p class="muted">No account connected yet.</p>;
  return (
    <>
      <ul class="accounts" aria-label="Connected accounts">
        {accounts.map((account) => (
          <li key={account.id}>
            <strong>@{account.screenName}</strong> <span class="muted">({account.provider})</span>
            {account.access === 'read' && <span class="muted"> · read only</span>}
            {ATTENTION[account.status] && (
              <>
                <br />
                <span class="error" data-testid="attention">
                  {ATTENTION[account.status]}
                </span>{' '}
                {onReconnect && (
                  <button type="button" disabled={busy} onClick={() => onReconnect(account.id)}>
                    Reconnect @{account.screenName}
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
            <small class="muted">
              Connected {date(account.createdAt)} · last used {date(account.lastUsedAt)}
            </small>
            <br />
            {confirming === account.id ? (
              <span>
                Revoke @{account.screenName}?{' '}
                <button type="button" disabled={busy} onClick={() => onRevoke(account.id)}>
                  Yes, revoke
                </button>{' '}
                <button type="button" class="secondary" ref={keepButton} onClick={keep}>
                  Keep
                </button>
              </span>
            ) : (
              <button
                type="button"
                class="secondary"
                data-revoke={account.id}
                onClick={() => setConfirming(account.id)}
              >
                Revoke @{account.screenName}
              </button>
            )}
          </li>
        ))}
      </ul>
      {accounts.length > 1 &&
        (confirming === 'all' ? (
          <p>
            Revoke all {accounts.length} accounts?{' '}
            <button type="button" disabled={busy} onClick={onRevokeAll}>
              Yes, revoke all
            </button>{' '}
            <button type="button" class="secondary" ref={keepButton} onClick={keep}>
              Keep
            </button>
          </p>
        ) : (
          <p>
            <button type="button" class="secondary" data-revoke="all" onClick={() => setConfirming('all')}>
              Revoke all
            </button>
          </p>
        ))}
    </>
  );
}
