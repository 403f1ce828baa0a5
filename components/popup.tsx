import { useCallback, useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { PopupState } from '../lib/background/page-protocol';
import { readPopupState } from '../lib/flows/popup-state';
import type { MessageError } from '../lib/messaging/result';
import type { AccessLevel, FlowMode, ProviderSummary } from '../lib/protocol';
import { extensionStore } from '../lib/storage/registry';
import { onStateChange } from '../lib/storage/state-changes';
import { AccountList } from './account-list';
import { ActivityList } from './activity-list';
import { ask } from './background-messages';
import { describeError } from './error-words';
import { t } from './i18n';
import { OutcomeMessage } from './outcome-message';
import { PendingFlowView } from './pending-flow';
import { SiteList } from './site-list';

const EMPTY: PopupState = { pending: [], accounts: [], lastOutcome: null, sites: [], activity: [] };

/**
 * The toolbar popup: what IndexedDB knows is shown at once, then refreshed
 * from the companion.
 */
export function Popup() {
  const [state, setState] = useState<PopupState>(EMPTY);
  const [providers, setProviders] = useState<ProviderSummary[] | null>(null);
  const [error, setError] = useState<MessageError | null>(null);
  const [busy, setBusy] = useState(false);

  // Read straight from IndexedDB (shared with the background): no round trip before the first render.
  const reloadState = useCallback(
    () =>
      readPopupState(extensionStore(), Date.now()).then(setState, () => ask('getState', {}).then(setState, setError)),
    [],
  );
  const refresh = useCallback(async () => {
    setError(null);
    try {
      setProviders(await ask('listProviders', {}));
      await ask('refreshAccounts', {});
      await reloadState();
    } catch (e) {
      setError(e as MessageError);
    }
  }, [reloadState]);

  useEffect(() => {
    // What IndexedDB holds at once; then the background's view (it drops expired flows) and the companion's.
    void reloadState()
      .then(() => ask('getState', {}).then(setState, setError))
      .then(refresh);
  }, [reloadState, refresh]);

  // The background says when what it stores changes (a flow finishing, an account revoked, a site's
  // action logged): the popup reloads then, and never polls.
  useEffect(() => onStateChange(() => void reloadState()), [reloadState]);

  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e as MessageError);
    } finally {
      setBusy(false);
      await reloadState();
    }
  };
  /** A provider with a connection under way: its connect buttons wait until that one ends. */
  const pendingFor = (provider: string) => state.pending.some((flow) => flow.provider === provider);
  const connect = (provider: string, mode: FlowMode, options: { access?: AccessLevel; forceLogin?: boolean } = {}) =>
    act(() => ask('connect', { provider, mode, ...options }));

  return (
    <main aria-busy={busy}>
      <h1>{t('extName')}</h1>
      <p class="muted" data-testid="companion-status">
        {providers !== null
          ? t('popupCompanionReachable')
          : error
            ? t('popupCompanionUnreachable')
            : t('popupCompanionReaching')}
      </p>
      {error && (
        <div role="alert" class="error">
          <p>{describeError(error)}</p>
          <button type="button" onClick={() => void refresh()}>
            {t('retry')}
          </button>
        </div>
      )}
      <OutcomeMessage outcome={state.lastOutcome} />
      {state.pending.map((flow) => (
        <PendingFlowView
          key={flow.flowId}
          flow={flow}
          busy={busy}
          onCancel={(flowId) => act(() => ask('cancelFlow', { flowId }))}
          onPin={(flowId, pin) => act(() => ask('submitPin', { flowId, pin }))}
        />
      ))}
      <h2>{t('popupAccounts')}</h2>
      <AccountList
        accounts={state.accounts}
        retirements={Object.fromEntries(
          (providers ?? []).flatMap((provider) => (provider.retirement ? [[provider.id, provider.retirement]] : [])),
        )}
        busy={busy}
        onReconnect={(accountId) => act(() => ask('reconnect', { accountId }))}
        onRevoke={(accountId) => act(() => ask('revoke', { accountId }))}
        onRevokeAll={() => act(() => ask('revokeAll', {}))}
      />
      <h2>{t('popupConnect')}</h2>
      {providers === null && !error && <p class="muted">{t('popupAskingCompanion')}</p>}
      {providers?.map((provider) => (
        <p key={provider.id}>
          <button
            type="button"
            disabled={busy || pendingFor(provider.id)}
            onClick={() => connect(provider.id, 'callback')}
          >
            {t('popupConnectProvider', provider.name)}
          </button>
          {provider.modes.includes('oob') && (
            <button
              type="button"
              class="link"
              disabled={busy || pendingFor(provider.id)}
              onClick={() => connect(provider.id, 'oob')}
            >
              {t('popupUsePin')}
            </button>
          )}
          {/* Write access is what this product is for, and the companion's default; read where it matters. */}
          {provider.accessLevels?.includes('read') && (
            <button
              type="button"
              class="link"
              disabled={busy || pendingFor(provider.id)}
              title={t('popupReadOnlyTitle', provider.name)}
              onClick={() => connect(provider.id, 'callback', { access: 'read' })}
            >
              {t('popupReadOnly')}
            </button>
          )}
          {/* Another account of the same provider: its login is asked for even with a session. */}
          {state.accounts.some((account) => account.provider === provider.id) && (
            <button
              type="button"
              class="link"
              disabled={busy || pendingFor(provider.id)}
              onClick={() => connect(provider.id, 'callback', { forceLogin: true })}
            >
              {t('popupAddAccount')}
            </button>
          )}
          {provider.retirement && (
            <>
              <br />
              <small class="warning">{provider.retirement.note}</small>
            </>
          )}
        </p>
      ))}
      <h2>{t('connectedSites')}</h2>
      <SiteList
        sites={state.sites}
        busy={busy}
        onRevoke={(origin, accountId) => act(() => ask('revokeSite', { origin, accountId }))}
        onConfirmWrites={(origin, accountId, confirmWrites) =>
          act(() => ask('setSiteConfirmWrites', { origin, accountId, confirmWrites }))
        }
      />
      <h2>{t('recentActivity')}</h2>
      <ActivityList entries={state.activity} busy={busy} onClear={() => act(() => ask('clearActivity', {}))} />
      <p>
        <button type="button" class="link" onClick={() => void browser.runtime.openOptionsPage()}>
          {t('popupOptions')}
        </button>
      </p>
    </main>
  );
}
