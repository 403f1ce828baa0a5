import type { ActivityEntry, ActivityOutcome } from '../lib/activity/activity-log';
import { byteSize } from './byte-size';
import { describeError } from './error-words';
import { t } from './i18n';

interface Props {
  entries: readonly ActivityEntry[];
  busy: boolean;
  onClear: () => void;
}

/** The newest signed actions sites asked for, and how each ended. */
export function ActivityList({ entries, busy, onClear }: Props) {
  if (entries.length === 0) return <p class="muted">{t('activityNone')}</p>;
  return (
    <>
      <ol class="activity" aria-label={t('recentActivity')}>
        {entries.map((entry) => (
          <li key={entry.id}>
            <span class={entry.outcome.kind === 'sent' ? 'ok' : 'error'}>
              {describeOutcome(entry.outcome)}
              {entry.repeats !== undefined && entry.repeats > 1 && ` ×${entry.repeats}`}
            </span>{' '}
            <strong>{entry.origin}</strong>
            {entry.account && <> {t('activityAs', entry.account.screenName)}</>}
            <small class="request">
              {entry.method} {entry.url}
            </small>
            {entry.files && entry.files.length > 0 && (
              <small data-testid="activity-files">
                {t('activityFiles', entry.files.map((f) => `${f.filename} (${byteSize(f.size)})`).join(', '))}
              </small>
            )}
            <small class="muted">{new Date(entry.at).toLocaleString()}</small>
          </li>
        ))}
      </ol>
      <p>
        <button type="button" class="secondary" disabled={busy} onClick={onClear}>
          {t('clearActivity')}
        </button>
      </p>
    </>
  );
}

/**
 * How an action ended, in words: the HTTP status it got, or the words for
 * its error code (`describeError`) beside the code itself, which is what a
 * site's developer or a bug report quotes.
 */
export function describeOutcome(outcome: ActivityOutcome): string {
  switch (outcome.kind) {
    case 'sent':
      return t('activitySent', outcome.status);
    case 'refused':
      return outcome.code === 'consent_denied'
        ? t('activityDenied')
        : t('activityRefused', outcome.code, describeError({ code: outcome.code }));
    case 'failed':
      return t('activityFailed', outcome.code, describeError({ code: outcome.code }));
  }
}
