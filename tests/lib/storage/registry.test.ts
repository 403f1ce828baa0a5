/**
 * One storage registry (lib/storage/registry.ts): every key the extension
 * writes is named there and nowhere else, each reset clears what the registry
 * says it does, and every write goes through a handle guarded against resets
 * made since its work began.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createStore, keys, type UseStore } from 'idb-keyval';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { appendActivity, readActivity } from '../../../lib/activity/activity-log';
import { addQuestion } from '../../../lib/consent/consent-questions';
import { grantSiteConsent, listSiteConsents } from '../../../lib/consent/site-consents';
import { changeState, readState } from '../../../lib/flows/flow-state';
import { readSettings, writeSettings } from '../../../lib/settings/extension-settings';
import { loadOrCreateInstallKey } from '../../../lib/storage/install-key';
import { CLEARED_BY, guardStore, KEYS, SHOWN } from '../../../lib/storage/registry';
import { forgetCompanionState, wipeDevice } from '../../../lib/storage/wipe';
import { importsOf, sourceFiles } from '../../support/import-graph';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const REGISTRY = 'lib/storage/registry.ts';
const code = [...sourceFiles(root, 'lib'), ...sourceFiles(root, 'components'), ...sourceFiles(root, 'entrypoints')];
const KEY_NAMES: readonly string[] = Object.values(KEYS);

/** Every string literal (and template without substitutions) of a file, with its line; JSX attribute values (CSS classes) aside. */
function stringsOf(file: string): { text: string; line: number }[] {
  const source = ts.createSourceFile(file, readFileSync(`${root}${file}`, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { text: string; line: number }[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isStringLiteral(node) && !ts.isJsxAttribute(node.parent)) || ts.isNoSubstitutionTemplateLiteral(node)) {
      found.push({ text: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const fresh = () => guardStore(createStore(`registry-${crypto.randomUUID()}`, 'state'));

/** Writes every key of the registry through the modules that own them. */
async function fillEveryKey(store: ReturnType<typeof fresh>): Promise<void> {
  await loadOrCreateInstallKey(store);
  await writeSettings(store, { consentTimeoutSeconds: 90 });
  await changeState(store, (s) => [{ ...s, lastOutcome: { kind: 'expired', provider: 'x' } }, undefined]);
  await grantSiteConsent(store, {
    origin: 'https://site.example',
    provider: 'x',
    accountId: 'acc-1',
    screenName: 'alice',
    confirmWrites: true,
    grantedAt: 1,
    lastUsedAt: null,
  });
  await addQuestion(
    store,
    {
      id: 'q-1',
      origin: 'https://site.example',
      provider: 'x',
      providerName: 'X',
      accounts: [],
      method: 'GET',
      url: 'https://api.x.com/1.1/',
      form: [],
      json: null,
      hidden: { fields: 0, shortened: false },
      tabId: 1,
      kind: 'first-use',
      askedAt: 1,
      expiresAt: 60_000,
    },
    1,
  );
  await appendActivity(store, {
    id: 'a-1',
    at: 1,
    origin: 'https://site.example',
    provider: 'x',
    account: null,
    method: 'GET',
    url: 'https://api.x.com/1.1/',
    outcome: { kind: 'refused', code: 'consent_denied' },
  });
}

const stored = async (store: UseStore) => ((await keys(store)) as string[]).sort();

describe('every key is named in the registry, and only there', () => {
  it('has code to check', () => {
    expect(code.length).toBeGreaterThan(60);
  });

  it('no file but the registry spells a key (a constant elsewhere would survive a rename)', () => {
    const spelled = code
      .filter((file) => file !== REGISTRY)
      .flatMap((file) =>
        stringsOf(file)
          .filter(({ text }) => KEY_NAMES.includes(text))
          .map(({ text, line }) => `${file}:${line} '${text}'`),
      );
    expect(spelled).toEqual([]);
  });

  it("only lib/storage imports idb-keyval's writes and store creation: the rest writes through changeKey", () => {
    const writers = code.flatMap((file) => {
      if (file.startsWith('lib/storage/')) return [];
      const source = readFileSync(`${root}${file}`, 'utf8');
      const fromIdb = importsOf(root, file).some((i) => i.specifier === 'idb-keyval' && !i.typeOnly);
      const names = /import\s*\{([^}]*)\}\s*from\s*'idb-keyval'/.exec(source)?.[1] ?? '';
      const writes = names
        .split(',')
        .map((name) => name.trim().replace(/^type\s+/, ''))
        .filter((name) => ['set', 'setMany', 'update', 'del', 'delMany', 'clear', 'createStore'].includes(name));
      return fromIdb && writes.length > 0 ? [`${file}: ${writes.join(', ')}`] : [];
    });
    expect(writers).toEqual([]);
  });

  it('every key of the registry is used by some module (no stale name)', () => {
    const uses = code
      .filter((file) => file !== REGISTRY)
      .map((file) => readFileSync(`${root}${file}`, 'utf8'))
      .join('\n');
    const unused = Object.keys(KEYS).filter((name) => !uses.includes(`KEYS.${name}`));
    expect(unused).toEqual([]);
  });

  it('the resets clear only registered keys, a device wipe all a change of companion does, and never the settings', () => {
    for (const cleared of Object.values(CLEARED_BY)) {
      expect(cleared.filter((key) => !KEY_NAMES.includes(key))).toEqual([]);
      expect(cleared).not.toContain(KEYS.settings);
    }
    expect(CLEARED_BY.companion.filter((key) => !CLEARED_BY.device.includes(key))).toEqual([]);
    expect(SHOWN).not.toContain(KEYS.installKey);
  });
});

describe('the resets clear what the registry says', () => {
  it('writing every key writes exactly the registry', async () => {
    const store = fresh();
    await fillEveryKey(store);
    expect(await stored(store)).toEqual([...KEY_NAMES].sort());
  });

  it('another companion: the activity log, the install key and the settings stay', async () => {
    const store = fresh();
    await fillEveryKey(store);
    await forgetCompanionState(store);
    expect(await stored(store)).toEqual([KEYS.activity, KEYS.installKey, KEYS.settings].sort());
  });

  it('"Forget this device": only the settings stay', async () => {
    const store = fresh();
    await fillEveryKey(store);
    await wipeDevice(store);
    expect(await stored(store)).toEqual([KEYS.settings]);
    expect((await readSettings(store)).consentTimeoutSeconds).toBe(90);
  });
});

describe('every write goes through the reset guard', () => {
  it('a handle taken before a reset writes nothing that reset cleared; one taken after does', async () => {
    const before = fresh();
    await forgetCompanionState(guardStore(before));
    await changeState(before, (s) => [{ ...s, lastOutcome: { kind: 'expired', provider: 'x' } }, undefined]);
    await grantSiteConsent(before, {
      origin: 'https://site.example',
      provider: 'x',
      accountId: 'acc-1',
      screenName: 'alice',
      confirmWrites: false,
      grantedAt: 1,
      lastUsedAt: null,
    });
    expect((await readState(before)).lastOutcome).toBeNull();
    expect(await listSiteConsents(before)).toEqual([]);
    expect(before.guard.current()).toBe(false);
    expect(() => before.guard.assertCurrent()).toThrow(expect.objectContaining({ code: 'companion_changed' }));

    const after = guardStore(before);
    await changeState(after, (s) => [{ ...s, lastOutcome: { kind: 'expired', provider: 'x' } }, undefined]);
    expect((await readState(after)).lastOutcome).toEqual({ kind: 'expired', provider: 'x' });
  });

  it('the activity log outlives a change of companion, not a wiped device', async () => {
    const entry = {
      id: 'a-2',
      at: 2,
      origin: 'https://site.example',
      provider: 'x',
      account: null,
      method: 'GET' as const,
      url: 'https://api.x.com/1.1/',
      outcome: { kind: 'sent' as const, status: 200 },
    };
    const store = fresh();
    await forgetCompanionState(guardStore(store));
    await appendActivity(store, entry);
    expect(await readActivity(store)).toHaveLength(1);
    await wipeDevice(guardStore(store));
    await appendActivity(store, { ...entry, id: 'a-3' });
    expect(await readActivity(store)).toEqual([]);
    // The settings are no reset's to clear: a write through an old handle still lands.
    await writeSettings(store, { consentTimeoutSeconds: 30 });
    expect((await readSettings(store)).consentTimeoutSeconds).toBe(30);
  });

  it('a plain store handle is a type error where state is written', () => {
    const plain = createStore(`registry-${crypto.randomUUID()}`, 'state');
    const write = () =>
      // @ts-expect-error: writes take a GuardedStore (extensionStore() or guardStore()), never a bare UseStore
      changeState(plain, (s) => [s, undefined]);
    expect(typeof write).toBe('function');
  });
});
