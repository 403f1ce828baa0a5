import { useCallback, useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { PopupState, SettingsView } from '../lib/background/page-protocol';
import type { MessageError } from '../lib/messaging/result';
import {
  CONSENT_TIMEOUT_LIMITS,
  type CompanionUrlProblem,
  checkCompanionUrl,
  hostPermissionPattern,
} from '../lib/settings/extension-settings';
import { ActivityList } from './activity-list';
import { ask } from './background-messages';
import { describeError } from './error-words';
import { type MessageKey, plural, t } from './i18n';
import { SiteList } from './site-list';

type Notice = { kind: 'ok' | 'error'; text: string } | null;

/** Why a companion URL is refused (`checkCompanionUrl`'s reason), in words. */
const URL_PROBLEM: Record<CompanionUrlProblem, MessageKey> = {
  not_a_url: 'optionsUrlNotAUrl',
  credentials: 'optionsUrlCredentials',
  query_or_fragment: 'optionsUrlQuery',
  not_https: 'optionsUrlNotHttps',
};

/** A refusal the page itself words (a companion URL it will not use): shown as it is. */
class NoticeText extends Error {}

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
      setNotice({ kind: 'error', text: e instanceof NoticeText ? e.message : describeError(e as MessageError) });
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
    if (!checked.ok) throw new NoticeText(t(URL_PROBLEM[checked.reason]));
    const granted = await browser.permissions.request({ origins: [hostPermissionPattern(checked.url)] });
    if (!granted) {
      const host = new URL(checked.url).hostname;
      throw { code: 'host_permission_missing', message: `no permission for ${host}` } satisfies MessageError;
    }
    return checked.url;
  };

  const test = () =>
    run(async () => {
      const companionUrl = await permitted();
      const { providers } = await ask('testCompanion', { companionUrl });
      return { kind: 'ok', text: plural('optionsCompanionAnswers', providers) };
    });
  const save = () =>
    run(async () => {
      const companionUrl = await permitted();
      const saved = await ask('saveSettings', { companionUrl, consentTimeoutSeconds: timeout });
      setSettings(saved);
      setUrl(saved.companionUrl);
      return { kind: 'ok', text: t('saved') };
    });
  const forget = (force: boolean) =>
    run(async () => {
      try {
        const { accountsRevoked } = await ask('forgetDevice', { force });
        setForgetStep('idle');
        return {
          kind: 'ok',
          text: accountsRevoked === null ? t('optionsWiped') : plural('optionsForgotten', accountsRevoked),
        };
      } catch (e) {
        // Whatever went wrong (unreachable, a proxy's error page, a refused proof), the user can still wipe.
        setForgetStep('unreachable');
        throw e;
      }
    });

  return (
    <main class="page" aria-busy={busy}>
      <h1>{t('optionsHeading')}</h1>
      {notice && (
        <p role={notice.kind === 'error' ? 'alert' : 'status'} class={notice.kind}>
          {notice.text}
        </p>
      )}
      <h2>{t('optionsCompanion')}</h2>
      <label for="companion-url">{t('optionsCompanionUrl')}</label>
      <input id="companion-url" type="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
      <small class="muted">{t('optionsBuiltWith', settings?.defaultCompanionUrl ?? '…')}</small>
      <label class="inline">
        {t('optionsTimeoutBefore')}
        <input
          type="number"
          min={CONSENT_TIMEOUT_LIMITS.min}
          max={CONSENT_TIMEOUT_LIMITS.max}
          value={timeout}
          onInput={(e) => setTimeoutSeconds(Number(e.currentTarget.value))}
        />
        {t('optionsTimeoutAfter')}
      </label>
      <div class="actions">
        <button type="button" class="secondary" disabled={busy} onClick={() => void test()}>
          {t('optionsTest')}
        </button>
        <button type="button" disabled={busy} onClick={() => void save()}>
          {t('save')}
        </button>
      </div>
      <p class="muted">{t('optionsChangeNote')}</p>

      <h2>{t('connectedSites')}</h2>
      <SiteList
        sites={state?.sites ?? []}
        busy={busy}
        onRevoke={(origin, accountId) =>
          void run(async () => {
            await ask('revokeSite', { origin, accountId });
            return { kind: 'ok', text: t('optionsSiteMustAsk', origin) };
          })
        }
        onConfirmWrites={(origin, accountId, confirmWrites) =>
          void run(async () => {
            await ask('setSiteConfirmWrites', { origin, accountId, confirmWrites });
            return null;
          })
        }
      />

      <h2>{t('activityLogLabel')}</h2>
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

      <h2>{t('optionsForget')}</h2>
      <p class="muted">{t('optionsForgetExplained')}</p>
      {forgetStep === 'idle' && (
        <button type="button" class="secondary" disabled={busy} onClick={() => setForgetStep('confirm')}>
          {t('optionsForget')}
        </button>
      )}
      {forgetStep === 'confirm' && (
        <p>
          {t('optionsForgetQuestion')}{' '}
          <button type="button" disabled={busy} onClick={() => void forget(false)}>
            {t('optionsForgetYes')}
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setForgetStep('idle')}>
            {t('keep')}
          </button>
        </p>
      )}
      {forgetStep === 'unreachable' && (
        <p>
          {t('optionsForgetUnreachable')}{' '}
          <button type="button" disabled={busy} onClick={() => void forget(true)}>
            {t('optionsWipeAnyway')}
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setForgetStep('idle')}>
            {t('keep')}
          </button>
        </p>
      )}
    </main>
  );
}
