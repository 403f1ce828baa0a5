import type { FlowOutcome } from '../lib/flows/flow-state';
import { describeError } from './error-words';
import { t } from './i18n';

/**
 * How the last connection attempt ended, in words. The live region is always
 * mounted, empty until there is something to say: screen readers announce
 * changes to a region they already know, not regions that appear with their text.
 * A failure is said with the words for its code (`describeError`).
 */
export function OutcomeMessage({ outcome }: { outcome: FlowOutcome | null }) {
  const text = outcome && describeOutcome(outcome);
  return (
    <p
      class={text ? (outcome?.kind === 'failed' ? 'error' : 'muted') : 'visually-hidden'}
      role="status"
      aria-live="polite"
      aria-atomic="true"
    >
      {text ?? ''}
    </p>
  );
}

function describeOutcome(outcome: FlowOutcome): string {
  switch (outcome.kind) {
    case 'connected':
      return t('outcomeConnected', outcome.screenName);
    case 'denied':
      return t('outcomeDenied');
    case 'cancelled':
      return t('outcomeCancelled');
    case 'closed':
      return t('outcomeClosed');
    case 'expired':
      return t('outcomeExpired');
    case 'failed':
      return t('outcomeFailed', describeError(outcome));
  }
}
