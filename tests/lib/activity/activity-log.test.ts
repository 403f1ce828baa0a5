import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_LIMIT,
  type ActivityEntry,
  type ActivityOutcome,
  appendActivity,
  readActivity,
  SENT_PER_ORIGIN,
  UNSENT_PER_ORIGIN,
} from '../../../lib/activity/activity-log';
import { guardStore } from '../../../lib/storage/registry';

const SITE = 'https://site.example';
const OTHER = 'https://other.example';
let counter = 0;

function entry(outcome: ActivityOutcome, overrides: Partial<ActivityEntry> = {}): ActivityEntry {
  counter++;
  return {
    id: `entry-${counter}`,
    at: counter,
    origin: SITE,
    provider: 'x',
    account: null,
    method: 'GET',
    url: 'https://api.x.com/1.1/a.json',
    outcome,
    ...overrides,
  };
}
const sent = (overrides: Partial<ActivityEntry> = {}) => entry({ kind: 'sent', status: 200 }, overrides);
const refused = (code: string, overrides: Partial<ActivityEntry> = {}) => entry({ kind: 'refused', code }, overrides);
const newStore = () => guardStore(createStore(`test-${crypto.randomUUID()}`, 'state'));

describe('the activity log: refusals', () => {
  it('counts a refusal that repeats the site’s last entry in that entry, now the newest', async () => {
    const store = newStore();
    const first = refused('url_not_allowed');
    await appendActivity(store, first);
    await appendActivity(store, sent({ origin: OTHER }));
    const again = refused('url_not_allowed');
    await appendActivity(store, again);
    await appendActivity(store, refused('url_not_allowed'));
    const entries = await readActivity(store);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toEqual({ ...first, at: again.at + 1, repeats: 3 });
    expect(entries[1]?.origin).toBe(OTHER);
  });

  it('keeps refusals apart when the code, method, URL or account differ, or the site did something else between', async () => {
    const store = newStore();
    await appendActivity(store, refused('url_not_allowed'));
    await appendActivity(store, refused('consent_denied'));
    await appendActivity(store, refused('consent_denied', { method: 'POST' }));
    await appendActivity(store, refused('consent_denied', { method: 'POST', url: 'https://api.x.com/1.1/b.json' }));
    await appendActivity(
      store,
      refused('consent_denied', {
        method: 'POST',
        url: 'https://api.x.com/1.1/b.json',
        account: { id: 'acc-1', screenName: 'alice' },
      }),
    );
    await appendActivity(store, sent());
    await appendActivity(store, refused('url_not_allowed'));
    const entries = await readActivity(store);
    expect(entries).toHaveLength(7);
    expect(entries.every((e) => e.repeats === undefined)).toBe(true);
  });

  it('never counts sent entries together: each call that went out is its own entry', async () => {
    const store = newStore();
    await appendActivity(store, sent());
    await appendActivity(store, sent());
    expect(await readActivity(store)).toHaveLength(2);
  });

  it(`keeps a site’s newest ${UNSENT_PER_ORIGIN} refusals, and a flood of them pushes out nothing that was sent`, async () => {
    const store = newStore();
    const earlier = [
      sent(),
      sent({ origin: OTHER }),
      entry({ kind: 'failed', code: 'provider_error' }, { origin: OTHER }),
    ];
    for (const e of earlier) await appendActivity(store, e);
    const flood = Array.from({ length: ACTIVITY_LIMIT + 50 }, (_, n) =>
      refused('url_not_allowed', { url: `https://api.x.com/1.1/${n}.json` }),
    );
    for (const e of flood) await appendActivity(store, e);
    const entries = await readActivity(store);
    expect(entries.filter((e) => e.outcome.kind === 'refused')).toEqual(flood.slice(-UNSENT_PER_ORIGIN).reverse());
    expect(entries.slice(UNSENT_PER_ORIGIN)).toEqual([...earlier].reverse());
  });

  it(`at ${ACTIVITY_LIMIT} entries, the oldest refusals go before any entry that was sent`, async () => {
    const store = newStore();
    const origins = Array.from({ length: 20 }, (_, n) => `https://site-${n}.example`);
    const oldSent = sent();
    await appendActivity(store, oldSent);
    // 20 sites × 20 refusals: more than the limit, all refusals.
    for (let round = 0; round < UNSENT_PER_ORIGIN; round++) {
      for (const origin of origins)
        await appendActivity(store, refused('consent_pending', { origin, url: `https://api.x.com/1.1/${round}.json` }));
    }
    const entries = await readActivity(store);
    expect(entries).toHaveLength(ACTIVITY_LIMIT);
    expect(entries).toContainEqual(oldSent);
    // What is kept of the refusals is the newest of them.
    expect(entries[0]?.url).toBe(`https://api.x.com/1.1/${UNSENT_PER_ORIGIN - 1}.json`);
    expect(entries.at(-2)?.outcome.kind).toBe('refused');
  });

  it('lets sent entries push out older sent entries once only they are left', async () => {
    const store = newStore();
    const old = refused('consent_denied');
    await appendActivity(store, old);
    // Three sites, so that no site is over its own bound.
    const calls = Array.from({ length: ACTIVITY_LIMIT + 1 }, (_, n) =>
      sent({ origin: `https://site-${n % 3}.example` }),
    );
    for (const e of calls) await appendActivity(store, e);
    const entries = await readActivity(store);
    expect(entries).toHaveLength(ACTIVITY_LIMIT);
    expect(entries).not.toContainEqual(old);
    expect(entries).toEqual(calls.slice(-ACTIVITY_LIMIT).reverse());
  });

  it(`keeps a site’s newest ${SENT_PER_ORIGIN} sent requests: one busy site cannot take the whole log`, async () => {
    const store = newStore();
    const other = sent({ origin: OTHER });
    await appendActivity(store, other);
    const busy = Array.from({ length: ACTIVITY_LIMIT + 10 }, () => sent());
    for (const e of busy) await appendActivity(store, e);
    const entries = await readActivity(store);
    expect(entries).toEqual([...busy.slice(-SENT_PER_ORIGIN).reverse(), other]);
  });

  it('treats failures like refusals: counted when they repeat, bounded per site, dropped before sent entries', async () => {
    const store = newStore();
    const kept = sent();
    await appendActivity(store, kept);
    for (let n = 0; n < 3; n++) await appendActivity(store, entry({ kind: 'failed', code: 'companion_unreachable' }));
    expect((await readActivity(store))[0]).toMatchObject({ outcome: { kind: 'failed' }, repeats: 3 });
    for (let n = 0; n < ACTIVITY_LIMIT; n++)
      await appendActivity(
        store,
        entry({ kind: 'failed', code: 'companion_unreachable' }, { url: `https://api.x.com/${n}` }),
      );
    const entries = await readActivity(store);
    expect(entries.filter((e) => e.outcome.kind === 'failed')).toHaveLength(UNSENT_PER_ORIGIN);
    expect(entries).toContainEqual(kept);
  });
});
