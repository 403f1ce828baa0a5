import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openPostgresStore } from '../../../server/store/postgres-store';
import { openSqliteStore } from '../../../server/store/sqlite-store';
import type { AccountRow, FlowRow, Store } from '../../../server/store/store';
import { freshDatabase } from '../../support/fresh-database';

/** The same behaviour, pinned for both stores. */
const stores: [string, () => Promise<Store>][] = [
  ['sqlite', async () => openSqliteStore(':memory:')],
  ['postgres', async () => openPostgresStore(await freshDatabase(inject('postgresUrl')))],
];

const NOW = 1_700_000_000_000;
const flow = (overrides: Partial<FlowRow> = {}): FlowRow => ({
  id: 'flow-1',
  installId: 'install-a',
  provider: 'x',
  mode: 'callback',
  requestToken: 'rt',
  requestSecret: 'v1.k1.sealed',
  callbackUrl: 'https://companion.example/oauth/callback',
  createdAt: NOW,
  expiresAt: NOW + 600_000,
  state: 'pending',
  claimedAt: null,
  access: null,
  accountId: null,
  ...overrides,
});
const sealAs = (label: string) => (id: string) => ({
  token: `${label}-token-${id}`,
  tokenSecret: `${label}-secret-${id}`,
});

describe.each(stores)('%s store', (_kind, open) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
    await store.migrate();
    await store.migrate(); // idempotent
  });
  afterAll(async () => {
    await store.close();
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('remembers a proof id once', async () => {
    expect(await store.rememberProofId('install:jti-1', NOW / 1000 + 60)).toBe(true);
    expect(await store.rememberProofId('install:jti-1', NOW / 1000 + 60)).toBe(false);
    expect(await store.rememberProofId('install:jti-2', NOW / 1000 + 60)).toBe(true);
  });

  it('claims a pending flow once, only for its install, only before it expires', async () => {
    await store.insertFlow(flow({ id: 'claim-me' }));
    expect(await store.claimFlow('claim-me', 'install-b', NOW)).toBe(false);
    expect(await store.claimFlow('claim-me', 'install-a', NOW + 600_000)).toBe(false);
    expect(await store.claimFlow('claim-me', 'install-a', NOW)).toBe(true);
    expect(await store.claimFlow('claim-me', 'install-a', NOW)).toBe(false);
    expect((await store.findFlow('claim-me'))?.state).toBe('completing');
  });

  it('gives a claimed flow back for another try (a mistyped PIN), and only a claimed one', async () => {
    await store.insertFlow(flow({ id: 'retry-me' }));
    expect(await store.claimFlow('retry-me', 'install-a', NOW)).toBe(true);
    await store.releaseFlow('retry-me');
    expect((await store.findFlow('retry-me'))?.state).toBe('pending');
    expect(await store.claimFlow('retry-me', 'install-a', NOW)).toBe(true);
  });

  it('ends as interrupted the flows claimed before a time that are still completing, and only those', async () => {
    await store.insertFlow(flow({ id: 'old-claim' }));
    await store.insertFlow(flow({ id: 'new-claim' }));
    await store.insertFlow(flow({ id: 'never-claimed' }));
    await store.claimFlow('old-claim', 'install-a', NOW);
    await store.claimFlow('new-claim', 'install-a', NOW + 60_000);
    expect((await store.findFlow('old-claim'))?.claimedAt).toBe(NOW);
    // Other tests' completing flows in this store may end too: the count is at least this one.
    expect(await store.interruptStrandedFlows(NOW + 30_000)).toBeGreaterThanOrEqual(1);
    expect((await store.findFlow('old-claim'))?.state).toBe('interrupted');
    expect((await store.findFlow('new-claim'))?.state).toBe('completing');
    expect((await store.findFlow('never-claimed'))?.state).toBe('pending');
  });

  it('claims a flow only once when two try together', async () => {
    await store.insertFlow(flow({ id: 'race' }));
    const results = await Promise.all(Array.from({ length: 8 }, () => store.claimFlow('race', 'install-a', NOW)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('completes only a flow that is being completed: a cancelled one writes no account', async () => {
    await store.insertFlow(flow({ id: 'pending-only', installId: 'install-z' }));
    const key = { installId: 'install-z', provider: 'x', userId: '1' };
    expect(
      await store.completeFlowWithAccount('pending-only', key, { screenName: 'z', expiresAt: null }, sealAs('z'), NOW),
    ).toBeUndefined();
    expect(
      await store.completeFlowWithAccount('no-such-flow', key, { screenName: 'z', expiresAt: null }, sealAs('z'), NOW),
    ).toBeUndefined();
    expect(await store.listAccounts('install-z')).toEqual([]);
  });

  it('keeps tokens sealed for their own row when two flows of a new user complete at once', async () => {
    const key = { installId: 'install-race', provider: 'x', userId: '77' };
    const ids = Array.from({ length: 6 }, (_, i) => `race-${i}`);
    for (const id of ids) await store.insertFlow(flow({ id, installId: key.installId, state: 'completing' }));
    const rows = await Promise.all(
      ids.map((id) => store.completeFlowWithAccount(id, key, { screenName: 'r', expiresAt: null }, sealAs(id), NOW)),
    );
    const [account] = await store.listAccounts(key.installId);
    expect(rows.every((row) => row?.id === account?.id)).toBe(true);
    // Whichever completion wrote last, its tokens were sealed for this very row.
    expect(account?.token).toMatch(new RegExp(`^race-\\d-token-${account?.id}$`));
  });

  it('completes a flow into an account, and a second connection of the same user updates it', async () => {
    await store.insertFlow(flow({ id: 'f1', installId: 'install-c', state: 'completing', access: 'read' }));
    expect((await store.findFlow('f1'))?.access).toBe('read');
    const key = { installId: 'install-c', provider: 'x', userId: '42' };
    const first = (await store.completeFlowWithAccount(
      'f1',
      key,
      { screenName: 'alice', expiresAt: null },
      sealAs('one'),
      NOW,
    )) as AccountRow;
    expect(first).toMatchObject({
      installId: 'install-c',
      userId: '42',
      screenName: 'alice',
      status: 'active',
      createdAt: NOW,
      lastUsedAt: null,
      access: 'read',
    });
    expect(first.token).toBe(`one-token-${first.id}`);
    expect(await store.findFlow('f1')).toBeUndefined();

    await store.setAccountStatus(first.id, 'invalid');
    // Connected again with write access: the account now records that.
    await store.insertFlow(flow({ id: 'f2', installId: 'install-c', state: 'completing', access: 'write' }));
    const second = (await store.completeFlowWithAccount(
      'f2',
      key,
      { screenName: 'alice_renamed', expiresAt: NOW + 86_400_000 },
      sealAs('two'),
      NOW + 5,
    )) as AccountRow;
    expect(second).toMatchObject({
      id: first.id,
      screenName: 'alice_renamed',
      status: 'active',
      createdAt: NOW,
      access: 'write',
      expiresAt: NOW + 86_400_000,
    });
    expect(second.tokenSecret).toBe(`two-secret-${first.id}`);
    expect(await store.listAccounts('install-c')).toHaveLength(1);
  });

  it('keeps the same user of two installs apart', async () => {
    for (const installId of ['install-d', 'install-e']) {
      await store.insertFlow(flow({ id: `f-${installId}`, installId, state: 'completing' }));
      await store.completeFlowWithAccount(
        `f-${installId}`,
        { installId, provider: 'x', userId: '7' },
        { screenName: 'bob', expiresAt: null },
        sealAs('s'),
        NOW,
      );
    }
    const [d] = await store.listAccounts('install-d');
    expect(d).toBeDefined();
    expect(await store.findAccount(d?.id as string, 'install-e')).toBeUndefined();
    expect(await store.deleteAccount(d?.id as string, 'install-e')).toBe(false);
    expect(await store.findAccount(d?.id as string, 'install-d')).toBeDefined();
  });

  it('marks use, deletes an account, and deletes a whole install', async () => {
    await store.insertFlow(flow({ id: 'f-g', installId: 'install-g', state: 'completing' }));
    const account = (await store.completeFlowWithAccount(
      'f-g',
      { installId: 'install-g', provider: 'x', userId: '9' },
      { screenName: 'g', expiresAt: null },
      sealAs('g'),
      NOW,
    )) as AccountRow;
    await store.markAccountUsed(account.id, NOW + 1000);
    expect((await store.findAccount(account.id, 'install-g'))?.lastUsedAt).toBe(NOW + 1000);
    await store.insertFlow(flow({ id: 'f-g2', installId: 'install-g' }));
    await store.touchInstall('install-g', NOW);
    const removed = await store.deleteInstall('install-g');
    expect(removed.map((a) => a.id)).toEqual([account.id]);
    expect(await store.listAccounts('install-g')).toEqual([]);
    expect(await store.findFlow('f-g2')).toBeUndefined();
  });

  it('counts hits in fixed windows', async () => {
    expect(await store.hit('rate:a', 1000, NOW)).toEqual({ count: 1, resetAt: NOW + 1000 });
    expect(await store.hit('rate:a', 1000, NOW + 10)).toEqual({ count: 2, resetAt: NOW + 1000 });
    expect(await store.hit('rate:a', 1000, NOW + 1000)).toEqual({ count: 1, resetAt: NOW + 2000 });
  });

  it('sweeps expired proofs, flows (a completing one later) and idle installs', async () => {
    await store.rememberProofId('old', NOW / 1000 - 1);
    await store.insertFlow(flow({ id: 'expired', expiresAt: NOW - 1 }));
    await store.insertFlow(
      flow({ id: 'completing', expiresAt: NOW - 1, state: 'completing', installId: 'install-busy' }),
    );
    await store.touchInstall('install-idle', NOW - 2 * 24 * 3600_000);
    await store.touchInstall('install-busy', NOW - 2 * 24 * 3600_000);
    await store.sweep(NOW);
    expect(await store.rememberProofId('old', NOW / 1000 + 60)).toBe(true);
    expect(await store.findFlow('expired')).toBeUndefined();
    expect(await store.findFlow('completing')).toBeDefined();
    await store.sweep(NOW + 5 * 60_000);
    expect(await store.findFlow('completing')).toBeUndefined();
  });

  it('lists and rewrites sealed secrets for key rotation', async () => {
    const before = await store.sealedAccountSecrets();
    expect(before.length).toBeGreaterThan(0);
    const first = before[0] as (typeof before)[number];
    const stale = { token: 'not-what-is-there', tokenSecret: 'nor-this' };
    expect(await store.replaceSealedAccountSecrets({ ...first, token: 'lost', tokenSecret: 'lost' }, stale)).toBe(
      false,
    );
    expect(
      await store.replaceSealedAccountSecrets({ ...first, token: 'resealed', tokenSecret: 'resealed-secret' }, first),
    ).toBe(true);
    const after = await store.sealedAccountSecrets();
    expect(after.find((s) => s.id === first.id)).toMatchObject({ token: 'resealed', tokenSecret: 'resealed-secret' });
  });
});
