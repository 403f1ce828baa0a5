import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ShownConsentQuestion as ConsentQuestion } from '../lib/background/page-protocol';
import type { ConsentDecision } from '../lib/consent/consent-questions';
import type { MessageError } from '../lib/messaging/result';
import { ask } from './background-messages';
import { byteSize } from './byte-size';
import { describeError } from './error-words';
import { plural, splitAt, t } from './i18n';

/**
 * How often the window re-reads its question: to count down, to close when
 * the question is gone, and (each message being an event) to keep the
 * background worker awake while the user thinks.
 */
const POLL_MS = 1000;

/**
 * The yes buttons wake up this long after the question shows: a page can time
 * its request so the window opens under a click meant for something else.
 */
const ARM_MS = 500;

/** The consent window: one site, one request, the user's answer. Deny has the focus. */
export function Consent({ questionId }: { questionId: string }) {
  const [question, setQuestion] = useState<ConsentQuestion | null | undefined>(undefined);
  const [accountId, setAccountId] = useState<string | undefined>(undefined);
  // On by default: "Always" given for a harmless read should not silently cover posts and deletions.
  const [confirmWrites, setConfirmWrites] = useState(true);
  const [now, setNow] = useState(Date.now());
  const [error, setError] = useState<MessageError | null>(null);
  const [notWaiting, setNotWaiting] = useState(false);
  const deny = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    // A failed look (the worker restarting) is not the end: the next one may work.
    const load = () =>
      ask('getConsentQuestion', { id: questionId }).then(
        (q) => {
          setQuestion(q);
          setNow(Date.now());
        },
        () => undefined,
      );
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [questionId]);

  const loaded = question !== undefined && question !== null;
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!loaded) return;
    deny.current?.focus();
    // Armed ARM_MS after the window shows or comes back to the front; disarmed whenever it loses focus.
    let timer = setTimeout(() => setArmed(true), ARM_MS);
    const disarm = () => {
      clearTimeout(timer);
      setArmed(false);
    };
    const rearm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => setArmed(true), ARM_MS);
    };
    window.addEventListener('blur', disarm);
    window.addEventListener('focus', rearm);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('blur', disarm);
      window.removeEventListener('focus', rearm);
    };
  }, [loaded]);

  if (error) return <p role="alert">{describeError(error)}</p>;
  if (notWaiting) return <p role="alert">{t('consentNotWaiting')}</p>;
  if (question === undefined) return <p class="muted">{t('loading')}</p>;
  if (question === null) return <p>{t('consentGone')}</p>;

  const answer = (decision: ConsentDecision) =>
    ask('answerConsent', {
      id: question.id,
      decision,
      accountId: accountId ?? (question.accounts[0]?.id as string),
      confirmWrites,
    }).then(({ accepted }) => {
      if (accepted) window.close();
      else setNotWaiting(true);
    }, setError);
  const secondsLeft = Math.max(0, Math.ceil((question.expiresAt - now) / 1000));
  const single = question.accounts.length === 1 ? question.accounts[0] : undefined;

  return (
    <main class="page">
      <h1>{headingOf(question)}</h1>
      {question.kind === 'no-account' && <p data-testid="account-problem">{accountProblemText(question)}</p>}
      <dl>
        <dt>{t('consentSite')}</dt>
        <dd data-testid="consent-origin">{question.origin}</dd>
        <dt>{t('consentAccount')}</dt>
        <dd>
          {question.accounts.length === 0 ? (
            t('consentNoAccount')
          ) : single ? (
            `@${single.screenName}`
          ) : (
            <select
              aria-label={t('consentAccount')}
              value={accountId}
              onChange={(e) => setAccountId(e.currentTarget.value)}
            >
              {question.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  @{a.screenName}
                </option>
              ))}
            </select>
          )}
        </dd>
        <dt>{t('consentRequest')}</dt>
        <dd class="request" data-testid="consent-request">
          {question.method} {visible(question.url)}
        </dd>
        {question.form.map(([name, value], index) => (
          <Fragment key={index}>
            <dt class="request">{visible(name)}</dt>
            <dd class="value">{visible(value)}</dd>
          </Fragment>
        ))}
        {question.json !== null && (
          <>
            <dt>{t('consentJsonBody')}</dt>
            <dd>
              <pre class="value">{visible(question.json)}</pre>
            </dd>
          </>
        )}
        {question.files && question.files.length > 0 && (
          <>
            <dt>{plural('consentFiles', question.files.length)}</dt>
            <dd>
              <ul class="files" data-testid="consent-files">
                {question.files.map((file, index) => (
                  <li key={index} data-testid="consent-file">
                    {file.previewUrl && (
                      <img class="preview" src={file.previewUrl} alt={t('consentPreviewOf', visible(file.filename))} />
                    )}
                    <span class="value">{visible(file.filename)}</span>{' '}
                    <span class="muted">
                      {file.contentType}, {byteSize(file.size)}
                    </span>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      {question.sequence && <SequenceNote requests={question.sequence.requests} under={question.sequence.under} />}
      {(question.hidden.fields > 0 || question.hidden.shortened) && <p role="alert">{hiddenNote(question.hidden)}</p>}
      {question.kind === 'first-use' && (
        <label class="inline">
          <input type="checkbox" checked={confirmWrites} onChange={(e) => setConfirmWrites(e.currentTarget.checked)} />
          {t('consentConfirmWrites')}
        </label>
      )}
      <div class="actions">
        {question.kind === 'no-account' ? null : question.kind === 'first-use' ? (
          <>
            <button type="button" disabled={!armed} onClick={() => void answer('once')}>
              {t('consentAllowOnce')}
            </button>
            <button type="button" class="secondary" disabled={!armed} onClick={() => void answer('always')}>
              {t('consentAlways')}
            </button>
          </>
        ) : (
          <button type="button" disabled={!armed} onClick={() => void answer('once')}>
            {t('consentAllow')}
          </button>
        )}
        <button type="button" class="secondary" ref={deny} onClick={() => void answer('deny')}>
          {question.kind === 'no-account' ? t('close') : t('consentDeny')}
        </button>
      </div>
      <p class="muted" aria-live="polite">
        {t(question.kind === 'no-account' ? 'consentClosesIn' : 'consentDeniedIn', secondsLeft)}
      </p>
    </main>
  );
}

function headingOf(question: ConsentQuestion): string {
  const key = {
    write: 'consentHeadingWrite',
    'first-use': 'consentHeadingFirstUse',
    'no-account': 'consentHeadingNoAccount',
  } as const;
  return t(key[question.kind], question.origin, question.providerName);
}

/** Why no account can act, and what the user can do; the site itself is only told no. */
function accountProblemText(question: ConsentQuestion): string {
  const problem = {
    'none-connected': 'consentProblemNoneConnected',
    'needs-reconnecting': 'consentProblemNeedsReconnecting',
    'not-found': 'consentProblemNotFound',
  } as const;
  return `${t(problem[question.accountProblem ?? 'none-connected'], question.providerName)} ${t('consentProblemAdvice')}`;
}

/** What one answer to a sequence allows; the URL it covers set apart, as the page chose it. */
function SequenceNote({ requests, under }: { requests: number; under: string }) {
  const marker = '\ue000';
  const [before, after] = splitAt(plural('consentSequence', requests, marker), marker);
  return (
    <p data-testid="consent-sequence">
      {before}
      <span class="request">{visible(under)}</span>
      {after}
    </p>
  );
}

/** That the window shows less than the request sends: how many fields are left out, whether values are cut. */
function hiddenNote(hidden: ConsentQuestion['hidden']): string {
  if (hidden.fields === 0) return t('consentHiddenShortened');
  return plural(hidden.shortened ? 'consentHiddenFieldsShortened' : 'consentHiddenFields', hidden.fields);
}

/**
 * Text a page chose, shown so it cannot disguise itself: bidirectional and
 * invisible format characters (which can reorder or hide what follows) are
 * written out as escapes.
 */
function visible(text: string): string {
  return text.replace(
    /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g,
    (c) => `\\u{${c.charCodeAt(0).toString(16)}}`,
  );
}
