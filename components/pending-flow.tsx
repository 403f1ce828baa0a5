import { useState } from 'preact/hooks';
import type { PendingFlow } from '../lib/flows/flow-state';
import { t } from './i18n';

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
    <section class="card" aria-label={t('pendingLabel', flow.providerName)}>
      {flow.mode === 'callback' ? (
        <p>{t('pendingWaiting', flow.providerName)}</p>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (pin.trim()) onPin(flow.flowId, pin);
          }}
        >
          <label for={pinId}>{t('pendingPinLabel', flow.providerName)}</label>
          <input
            id={pinId}
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            onInput={(e) => setPin(e.currentTarget.value)}
          />
          <button type="submit" disabled={busy}>
            {t('pendingSubmitPin')}
          </button>
        </form>
      )}
      <button type="button" class="secondary" disabled={busy} onClick={() => onCancel(flow.flowId)}>
        {t('cancel')}
      </button>
    </section>
  );
}
