import { useCallback, useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { PopupState, SettingsView } from '../lib/background/page-protocol';
import type { MessageError } from '../lib/messaging/result';
import { CONSENT_TIMEOUT_LIMITS, checkCompanionUrl, hostPermissionPattern } from '../lib/settings/extension-settings';
import { ActivityList } from './activity-list';
import { ask, describeError } from './background-messages';
import { SiteList } from './site-list';

type Notice = { kind: 'ok' | 'error'; text: string } | null;

/**
 * The options page: which companion (with the host permission it needs and a
 * connection test), how long a consent question waits, the connected sites,
 * the activity log, and "Forget this device".
 */
export function Options() {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [url, setUrl] = useState('');
  const [timeout, setTimeoutSeconds] = useState<number>(CONSENT_TIMEOUT_LIMITS.default);
  const [state, setState] = useState<PopupState | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [forgetStep, setForgetStep] = useState<'idle' | 'confirm' | 'unreachable'>('idle');
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => setState(await ask('getState', {})), []);
  useEffect(() => {
    void ask('getSettings', {}).then((s) => {
      setSettings(s);
      setUrl(s.companionUrl);
      setTimeoutSeconds(s.consentTimeoutSeconds);
    });
    void reload();
  }, [reload]);

  const run = async (work: () => Promise<Notice>) => {
    setBusy(true);
    setNotice(null);
    try {
      setNotice(await work());
    } catch (e) {
      setNotice({ kind: 'error', text: describeError(e as MessageError) });
    } finally {
      setBusy(false);
      await reload().catch(() => undefined);
    }
  };

  /**
   * The host permission for a companion's origin. Asked first thing in the
   * click handler: the browser grants the prompt only during a user gesture.
   */
  const permitted = async (): Promise<string> => {
    const checked = checkCompanionUrl(url);
    if (!checked.ok) throw { code: 'invalid_message', message: `The companion URL must be ${checked.reason}.` };
    const granted = await browser.permissions.request({ origins: [hostPermissionPattern(checked.url)] });
    if (!granted) {
      const host = new URL(checked.url).hostname;
      throw {
        code: 'host_permission_missing',
        message: `Without permission for ${host}, the extension cannot reach it.`,
      };
    }
    return checked.url;
  };

  const test = () =>
    run(async () => {
      const companionUrl = await permitted();
      const { providers } = await ask('testCompanion', { companionUrl });
      return { kind: 'ok', text: `The companion answers: ${providers} provider${providers === 1 ? '' : 's'}.` };
    });
  const save = () =>
    run(async () => {
      const companionUrl = await permitted();
      const saved = await ask('saveSettings', { companionUrl, consentTimeoutSeconds: timeout });
      setSettings(saved);
      setUrl(saved.companionUrl);
      return { kind: 'ok', text: 'Saved.' };
    });
  const forget = (force: boolean) =>
    run(async () => {
      try {
        const { accountsRevoked } = await ask('forgetDevice', { force });
        setForgetStep('idle');
        return {
          kind: 'ok',
          text:
            accountsRevoked === null
              ? 'This device was wiped. The companion could not be told.'
              : `This device was forgotten: ${accountsRevoked} account${accountsRevoked === 1 ? '' : 's'} revoked at the companion, local data wiped.`,
        };
      } catch (e) {
        // Whatever went wrong (unreachable, a proxy's error page, a refused proof), the user can still wipe.
        setForgetStep('unreachable');
        throw e;
      }
    });

  return (
    <main class="page" aria-busy={busy}>
      <h1>OAuth 1.0a Connect: options</h1>
      {notice && (
        <p role={notice.kind === 'error' ? 'alert' : 'status'} class={notice.kind}>
          {notice.text}
        </p>
      )}
      <h2>Companion</h2>
      <label for="companion-url">Companion URL</label>
      <input id="companion-url" type="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
      <small class="muted">Built with {settings?.defaultCompanionUrl ?? '…'}. HTTPS, or HTTP on this machine.</small>
      <label class="inline">
        Deny a site’s request without an answer after
        <input
          type="number"
          min={CONSENT_TIMEOUT_LIMITS.min}
          max={CONSENT_TIMEOUT_LIMITS.max}
          value={timeout}
          onInput={(e) => setTimeoutSeconds(Number(e.currentTarget.value))}
        />
        seconds
      </label>
      <div class="actions">
        <button type="button" class="secondary" disabled={busy} onClick={() => void test()}>
          Test connection
        </button>
        <button type="button" disabled={busy} onClick={() => void save()}>
          Save
        </button>
      </div>
      <p class="muted">Changing the companion forgets the accounts and sites of the old one.</p>

      <h2>Connected sites</h2>
      <SiteList
        sites={state?.sites ?? []}
        busy={busy}
        onRevoke={(origin, accountId) =>
          void run(async () => {
            await ask('revokeSite', { origin, accountId });
            return { kind: 'ok', text: `${origin} must ask again.` };
          })
        }
        onConfirmWrites={(origin, accountId, confirmWrites) =>
          void run(async () => {
            await ask('setSiteConfirmWrites', { origin, accountId, confirmWrites });
            return null;
          })
        }
      />

      <h2>Activity</h2>
      <ActivityList
        entries={state?.activity ?? []}
        busy={busy}
        onClear={() =>
          void run(async () => {
            await ask('clearActivity', {});
            return null;
          })
        }
      />

      <h2>Forget this device</h2>
      <p class="muted">Revokes every account of this browser at the companion, then wipes what the extension keeps.</p>
      {forgetStep === 'idle' && (
        <button type="button" class="secondary" disabled={busy} onClick={() => setForgetStep('confirm')}>
          Forget this device
        </button>
      )}
      {forgetStep === 'confirm' && (
        <p>
          Revoke all accounts and wipe this device?{' '}
          <button type="button" disabled={busy} onClick={() => void forget(false)}>
            Yes, forget this device
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setForgetStep('idle')}>
            Keep
          </button>
        </p>
      )}
      {forgetStep === 'unreachable' && (
        <p>
          The companion did not revoke the accounts, so they may stay valid there.{' '}
          <button type="button" disabled={busy} onClick={() => void forget(true)}>
            Wipe this device anyway
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setForgetStep('idle')}>
            Keep
          </button>
        </p>
      )}
    </main>
  );
}
