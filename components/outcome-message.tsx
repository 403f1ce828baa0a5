import type { FlowOutcome } from '../lib/flows/flow-state';

/**
 * How the last connection attempt ended, in words. The live region is always
 * mounted, empty until there is something to say: screen readers announce
 * changes to a region they already know, not regions that appear with their text.
 */
export function OutcomeMessage({ outcome }: { outcome: FlowOutcome | null }) {
  const text =
    outcome &&
    {
      connected: outcome.kind === 'connected' ? `Connected @${outcome.screenName}.` : '',
      denied: 'You declined at the provider. Nothing was connected.',
      cancelled: 'Cancelled.',
      closed: 'The authorization tab was closed before you finished.',
      expired: 'That took too long: the authorization expired. Try again.',
      failed: outcome.kind === 'failed' ? `Connecting failed: ${outcome.message}` : '',
    }[outcome.kind];
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
