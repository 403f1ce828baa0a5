import { describe, expect, it, vi } from 'vitest';
import { PROVIDERS_TTL_MS, providersMemo } from '../../../lib/companion-client/providers-memo';
import type { ProviderSummary } from '../../../lib/protocol';

const DEV: ProviderSummary = {
  id: 'dev',
  name: 'Dev',
  modes: ['callback'],
  apiBaseUrls: ['http://127.0.0.1:8788/1.1/'],
};
const A = 'http://127.0.0.1:8787';
const B = 'https://companion.example';

describe('providersMemo', () => {
  it('fetches once per companion within a minute, and again after it', async () => {
    let now = 0;
    const memo = providersMemo(() => now);
    const fetch = vi.fn(async () => [DEV]);
    await memo(A, fetch);
    now = PROVIDERS_TTL_MS - 1;
    expect(await memo(A, fetch)).toEqual([DEV]);
    expect(fetch).toHaveBeenCalledTimes(1);
    now = PROVIDERS_TTL_MS;
    await memo(A, fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('never answers for one companion with another’s list', async () => {
    const memo = providersMemo(() => 0);
    await memo(A, async () => [DEV]);
    expect(await memo(B, async () => [])).toEqual([]);
  });

  it('shares one fetch between overlapping calls, and keeps no failure', async () => {
    const memo = providersMemo(() => 0);
    const failing = vi.fn(async () => {
      throw new Error('companion down');
    });
    await Promise.all([
      expect(memo(A, failing)).rejects.toThrow('companion down'),
      expect(memo(A, failing)).rejects.toThrow('companion down'),
    ]);
    expect(failing).toHaveBeenCalledTimes(1);
    expect(await memo(A, async () => [DEV])).toEqual([DEV]);
  });
});
