import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { changeKey } from '../../../lib/storage/change-key';
import { guardStore } from '../../../lib/storage/registry';
import { announceChange, onStateChange } from '../../../lib/storage/state-changes';

/** BroadcastChannel delivers on a later turn of the event loop. */
const delivered = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('state changes are pushed to open pages', () => {
  it('a change made through changeKey is announced with its key, never its value', async () => {
    const messages: string[] = [];
    const stop = onStateChange((key) => messages.push(key));
    const store = guardStore(createStore(`state-changes-${Math.random()}`, 'kv'));
    await changeKey<{ secret?: string }, undefined>(store, 'extension-state', {}, () => [
      { secret: 'never broadcast' },
      undefined,
    ]);
    await delivered();
    stop();
    expect(messages).toEqual(['extension-state']);
  });

  it('a listener that stopped hears nothing more', async () => {
    const messages: string[] = [];
    const stop = onStateChange((key) => messages.push(key));
    stop();
    announceChange('activity');
    await delivered();
    expect(messages).toEqual([]);
  });
});
