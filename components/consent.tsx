import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsentDecision, ConsentQuestion } from '../lib/consent/consent-questions';
import type { MessageError } from '../lib/messaging/result';
import { ask, describeError } from './use-background';

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
  const [confirmWrites, setConfirmWrites] = useState(false);
  const [now, setNow] = useState(Date.now());
  const [error, setError] = useState<MessageError | null>(null);
  const deny = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const load = () =>
      ask('getConsentQuestion', { id: questionId }).then((q) => {
        setQuestion(q);
        setNow(Date.now());
      }, setError);
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [questionId]);

  const loaded = question !== undefined && question !== null;
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!loaded) return;
    deny.current?.focus();
    const timer = setTimeout(() => setArmed(true), ARM_MS);
    return () => clearTimeout(timer);
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
    }).then(() => window.close(), setError);
  const secondsLeft = Math.max(0, Math.ceil((question.expiresAt - now) / 1000));
  const single = question.accounts.length === 1 ? question.accounts[0] : undefined;

  return (
    <main class="page">
      <h1>
        {question.kind === 'write'
          ? `${question.origin} wants to make a change as your ${question.providerName} account`
          : `Let ${question.origin} act as your ${question.providerName} account?`}
      </h1>
      <dl>
        <dt>Site</dt>
        <dd data-testid="consent-origin">{question.origin}</dd>
        <dt>Account</dt>
        <dd>
          {single ? (
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
          {question.method} {question.url}
        </dd>
        {question.form.map(([name, value]) => (
          <Fragment key={name}>
            <dt class="request">{name}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
        {question.hasJsonBody && (
          <>
            <dt>Body</dt>
            <dd>JSON data</dd>
          </>
        )}
      </dl>
      {question.kind === 'first-use' && (
        <label class="inline">
          <input type="checkbox" checked={confirmWrites} onChange={(e) => setConfirmWrites(e.currentTarget.checked)} />
          With “Always”, still ask me before each change (POST, PUT, PATCH, DELETE)
        </label>
      )}
      <div class="actions">
        {question.kind === 'first-use' ? (
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
          Deny
        </button>
      </div>
      <p class="muted" aria-live="polite">
        Denied automatically in {secondsLeft} s.
      </p>
    </main>
  );
}
