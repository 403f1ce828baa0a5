import { useEffect, useState } from 'preact/hooks';
import { sendToBackground } from '../lib/messaging/popup-channel';
import type { BackgroundStatus } from '../lib/messaging/popup-protocol';
import type { MessageError } from '../lib/messaging/result';

type View =
  | { state: 'loading' }
  | { state: 'ready'; status: BackgroundStatus }
  | { state: 'failed'; error: MessageError };

export function Popup() {
  const [view, setView] = useState<View>({ state: 'loading' });

  useEffect(() => {
    sendToBackground('getStatus', {}).then(
      (result) =>
        setView(result.ok ? { state: 'ready', status: result.value } : { state: 'failed', error: result.error }),
      (error: unknown) => setView({ state: 'failed', error: { code: 'internal_error', message: String(error) } }),
    );
  }, []);

  return (
    <main aria-busy={view.state === 'loading'}>
      <h1>OAuth 1.0a Connect</h1>
      {view.state === 'loading' && <p class="muted">Starting…</p>}
      {view.state === 'failed' && <p role="alert">The background did not answer: {view.error.message}</p>}
      {view.state === 'ready' && (
        <dl data-testid="status">
          <dt>Version</dt>
          <dd>{view.status.version}</dd>
          <dt>Companion</dt>
          <dd>{view.status.companionUrl}</dd>
        </dl>
      )}
    </main>
  );
}
