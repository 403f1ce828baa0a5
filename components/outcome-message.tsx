import type { FlowOutcome } from '../lib/flows/flow-state';

/** How the last connection attempt ended, in words. */
export function OutcomeMessage({ outcome }: { outcome: FlowOutcome | null }) {
  if (!outcome) return null;
  const text = {
    connected: outcome.kind === 'connected' ? `Connected @${outcome.screenName}.` : '',
    denied: 'You declined at the provider. Nothing was connected.',
    cancelled: 'Cancelled.',
    closed: 'The authorization tab was closed before you finished.',
    expired: 'That took too long: the authorization expired. Try again.',
    failed: outcome.kind === 'failed' ? `Connecting failed: ${outcome.message}` : '',
  }[outcome.kind];
  return (
    <p class={outcome.kind === 'failed' ? 'error' : 'muted'} role={outcome.kind === 'failed' ? 'alert' : 'status'}>
      {text}
    </p>
  );
}
