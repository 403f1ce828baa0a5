import type { ActivityEntry, ActivityOutcome } from '../lib/activity/activity-log';
import { byteSize } from './byte-size';

interface Props {
  entries: readonly ActivityEntry[];
  busy: boolean;
  onClear: () => void;
}

/** The newest signed actions sites asked for, and how each ended. */
export function ActivityList({ entries, busy, onClear }: Props) {
  if (entries.length === 0) return <p class="muted">No site has asked for anything yet.</p>;
  return (
    <>
      <ol class="activity" aria-label="Recent activity">
        {entries.map((entry) => (
          <li key={entry.id}>
            <span class={entry.outcome.kind === 'sent' ? 'ok' : 'error'}>
              {describeOutcome(entry.outcome)}
              {entry.repeats !== undefined && entry.repeats > 1 && ` ×${entry.repeats}`}
            </span>{' '}
            <strong>{entry.origin}</strong>
            {entry.account && <> as @{entry.account.screenName}</>}
            <small class="request">
              {entry.method} {entry.url}
            </small>
            {entry.files && entry.files.length > 0 && (
              <small data-testid="activity-files">
                with {entry.files.map((f) => `${f.filename} (${byteSize(f.size)})`).join(', ')}
              </small>
            )}
            <small class="muted">{new Date(entry.at).toLocaleString()}</small>
          </li>
        ))}
      </ol>
      <p>
        <button type="button" class="secondary" disabled={busy} onClick={onClear}>
          Clear activity
        </button>
      </p>
    </>
  );
}

export function describeOutcome(outcome: ActivityOutcome): string {
  switch (outcome.kind) {
    case 'sent':
      return `Sent (HTTP ${outcome.status})`;
    case 'refused':
      return outcome.code === 'consent_denied' ? 'Denied' : `Refused (${outcome.code})`;
    case 'failed':
      return `Failed (${outcome.code})`;
  }
}
