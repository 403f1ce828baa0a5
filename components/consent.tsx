import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ShownConsentQuestion as ConsentQuestion } from '../lib/background/page-protocol';
import type { ConsentDecision } from '../lib/consent/consent-questions';
import type { MessageError } from '../lib/messaging/result';
import { ask, describeError } from './background-messages';
import { byteSize } from './byte-size';

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
  if (question === undefined) return <p class="muted">Loading…</p>;
  if (question === null) return <p>This request was answered or has expired. You can close this window.</p>;

  const answer = (decision: ConsentDecision) =>
    ask('answerConsent', {
      id: question.id,
      decision,
      accountId: accountId ?? (question.accounts[0]?.id as string),
      confirmWrites,
    }).then(({ accepted }) => {
      if (accepted) window.close();
      else setError({ code: 'internal_error', message: 'This request is no longer waiting: nothing was done.' });
    }, setError);
  const secondsLeft = Math.max(0, Math.ceil((question.expiresAt - now) / 1000));
  const single = question.accounts.length === 1 ? question.accounts[0] : undefined;

  return (
    <main class="page">
      <h1>{headingOf(question)}</h1>
      {question.kind === 'no-account' && <p data-testid="account-problem">{accountProblemText(question)}</p>}
      <dl>
        <dt>Site</dt>
        <dd data-testid="consent-origin">{question.origin}</dd>
        <dt>Account</dt>
        <dd>
          {question.accounts.length === 0 ? (
            'none'
          ) : single ? (
            `@${single.screenName}`
          ) : (
            <select aria-label="Account" value={accountId} onChange={(e) => setAccountId(e.currentTarget.value)}>
              {question.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  @{a.screenName}
                </option>
              ))}
            </select>
          )}
        </dd>
        <dt>Request</dt>
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
            <dt>JSON body</dt>
            <dd>
              <pre class="value">{visible(question.json)}</pre>
            </dd>
          </>
        )}
        {question.files && question.files.length > 0 && (
          <>
            <dt>{question.files.length === 1 ? 'File' : `${question.files.length} files`}</dt>
            <dd>
              <ul class="files" data-testid="consent-files">
                {question.files.map((file, index) => (
                  <li key={index} data-testid="consent-file">
                    {file.previewUrl && (
                      <img class="preview" src={file.previewUrl} alt={`Preview of ${visible(file.filename)}`} />
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
      {question.sequence && (
        <p data-testid="consent-sequence">
          One answer covers this whole action: up to {question.sequence.requests} more requests to{' '}
          <span class="request">{visible(question.sequence.under)}</span> in the next ten minutes, uploading only the
          files shown, without asking again.
        </p>
      )}
      {(question.hidden.fields > 0 || question.hidden.shortened) && (
        <p role="alert">
          This request sends more than is shown here
          {question.hidden.fields > 0 ? `: ${question.hidden.fields} more fields` : ''}
          {question.hidden.shortened ? ', and some values are cut short' : ''}. Allow it only if you trust this site.
        </p>
      )}
      {question.kind === 'first-use' && (
        <label class="inline">
          <input type="checkbox" checked={confirmWrites} onChange={(e) => setConfirmWrites(e.currentTarget.checked)} />
          With “Always”, still ask me before each change this site makes (POST, PUT, PATCH, DELETE)
        </label>
      )}
      <div class="actions">
        {question.kind === 'no-account' ? null : question.kind === 'first-use' ? (
          <>
            <button type="button" disabled={!armed} onClick={() => void answer('once')}>
              Allow once
            </button>
            <button type="button" class="secondary" disabled={!armed} onClick={() => void answer('always')}>
              Always for this site
            </button>
          </>
        ) : (
          <button type="button" disabled={!armed} onClick={() => void answer('once')}>
            Allow
          </button>
        )}
        <button type="button" class="secondary" ref={deny} onClick={() => void answer('deny')}>
          {question.kind === 'no-account' ? 'Close' : 'Deny'}
        </button>
      </div>
      <p class="muted" aria-live="polite">
        {question.kind === 'no-account' ? 'Closes' : 'Denied'} automatically in {secondsLeft} s.
      </p>
    </main>
  );
}

function headingOf(question: ConsentQuestion): string {
  switch (question.kind) {
    case 'write':
      return `${question.origin} wants to make a change as your ${question.providerName} account`;
    case 'first-use':
      return `Let ${question.origin} act as your ${question.providerName} account?`;
    case 'no-account':
      return `${question.origin} asked to act as your ${question.providerName} account`;
  }
}

/** Why no account can act, and what the user can do; the site itself is only told no. */
function accountProblemText(question: ConsentQuestion): string {
  const name = question.providerName;
  const problem = {
    'none-connected': `You have no ${name} account connected.`,
    'needs-reconnecting': `Your ${name} account must be connected again: ${name} no longer accepts it.`,
    'not-found': `The site asked for a ${name} account that is not connected here.`,
  }[question.accountProblem ?? 'none-connected'];
  return `${problem} To let this site use one, connect it with the extension’s toolbar button, then try again on the site. The site is told no, and learns nothing about your accounts.`;
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
