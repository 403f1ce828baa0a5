import { useState } from 'preact/hooks';
import type { PendingFlow } from '../lib/flows/flow-state';

interface Props {
  flow: PendingFlow;
  /** While an action runs, its buttons wait: a second click would send it twice. */
  busy: boolean;
  onCancel: (flowId: string) => void;
  onPin: (flowId: string, pin: string) => void;
}

/** A connection waiting for the user: at the provider's tab, or for the PIN it showed. */
export function PendingFlowView({ flow, busy, onCancel, onPin }: Props) {
  const [pin, setPin] = useState('');
  const pinId = `pin-${flow.flowId}`;
  return (
    <section class="card" aria-label={`Connecting ${flow.providerName}`}>
      {flow.mode === 'callback' ? (
        <p>Waiting for you to authorize {flow.providerName} in the opened tab…</p>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (pin.trim()) onPin(flow.flowId, pin);
          }}
        >
          <label for={pinId}>PIN shown by {flow.providerName}</label>
          <input
            id={pinId}
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            onInput={(e) => setPin(e.currentTarget.value)}
          />
          <button type="submit" disabled={busy}>
            Submit PIN
          </button>
        </form>
      )}
      <button type="button" class="secondary" disabled={busy} onClick={() => onCancel(flow.flowId)}>
        Cancel
      </button>
    </section>
  );
}
