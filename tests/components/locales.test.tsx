import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountList } from '../../components/account-list';
import { byteSize } from '../../components/byte-size';
import { describeError } from '../../components/error-words';
import { setMessageSource } from '../../components/i18n';
import { ERROR_CODES } from '../../lib/protocol';
import { fillMessage, localeMessages, localeSource, shippedLocales } from '../support/locale-messages';

const ROOT = join(import.meta.dirname, '../..');
const english = localeMessages('en');
const placeholderNames = (text: string) => [...text.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => m[1]?.toLowerCase());

/** Every source file of the extension's pages (where words are asked for by name). */
function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(tsx?|html)$/.test(name))
    .map((name) => join(folder, name));
}

describe('locales', () => {
  afterEach(() => setMessageSource(localeSource('en', 'en-US')));

  it('ships English and at least one more locale', () => {
    expect(shippedLocales()).toContain('en');
    expect(shippedLocales().length).toBeGreaterThan(1);
  });

  for (const locale of shippedLocales().filter((name) => name !== 'en')) {
    describe(locale, () => {
      const messages = localeMessages(locale);

      it('has every message English has, and none English lacks', () => {
        expect(Object.keys(english).filter((key) => !(key in messages))).toEqual([]);
        expect(Object.keys(messages).filter((key) => !(key in english))).toEqual([]);
      });

      it('fills the same placeholders as English, each defined', () => {
        for (const [key, entry] of Object.entries(messages)) {
          const defined = Object.keys(entry.placeholders ?? {}).map((name) => name.toLowerCase());
          expect(defined.sort(), key).toEqual(Object.keys(english[key]?.placeholders ?? {}).sort());
          expect(
            placeholderNames(entry.message).filter((name) => !defined.includes(name as string)),
            key,
          ).toEqual([]);
        }
      });

      it('has every plural form its language’s rules choose', () => {
        const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
        const bases = Object.keys(english).flatMap((key) => (key.endsWith('_other') ? [key.slice(0, -6)] : []));
        for (const base of bases) {
          expect(
            categories.filter((category) => !(`${base}_${category}` in messages)),
            base,
          ).toEqual([]);
        }
      });
    });
  }

  it('has English plural forms for one and other, with the same placeholders', () => {
    for (const key of Object.keys(english).filter((name) => name.endsWith('_other'))) {
      const one = english[`${key.slice(0, -6)}_one`];
      expect(one, key).toBeDefined();
      expect(Object.keys(one?.placeholders ?? {})).toEqual(Object.keys(english[key]?.placeholders ?? {}));
    }
  });

  it('names only messages English has, in the code, the manifest and the pages', () => {
    const named = new Set<string>();
    for (const file of [...sourceFiles('components'), ...sourceFiles('entrypoints'), 'wxt.config.ts']) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const match of text.matchAll(/__MSG_(\w+)__|\b(?:t|plural|localizePage)\(\s*'(\w+)'/g)) {
        named.add((match[1] ?? match[2]) as string);
      }
    }
    expect(named.size).toBeGreaterThan(50);
    const missing = [...named].filter(
      (key) => !(key in english) && !(`${key}_one` in english && `${key}_other` in english),
    );
    expect(missing).toEqual([]);
  });

  it('has words for every code the companion answers with', () => {
    expect(ERROR_CODES.filter((code) => !(`error_${code}` in english))).toEqual([]);
  });

  it('fills placeholders as the browsers do', () => {
    expect(
      fillMessage({ message: 'Hi $WHO$, $$5 for $1 ($2)', placeholders: { who: { content: '$1' } } }, ['Ann']),
    ).toBe('Hi Ann, $5 for Ann ()');
  });

  it('speaks German to a German browser: words, plurals, numbers', () => {
    setMessageSource(localeSource('de'));
    const { document } = parseHTML('<!doctype html><html><body><main></main></body></html>');
    const main = document.querySelector('main') as unknown as HTMLElement;
    const account = (id: string) => ({
      id,
      provider: 'x',
      userId: id,
      screenName: id,
      createdAt: '2026-11-01T00:00:00.000Z',
      lastUsedAt: null,
      status: 'expired' as const,
      access: 'write' as const,
      expiresAt: null,
    });
    render(
      <AccountList
        accounts={[account('alice'), account('bob')]}
        busy={false}
        onRevoke={() => undefined}
        onRevokeAll={() => undefined}
      />,
      main,
    );
    expect(main.querySelector('[data-testid="attention"]')?.textContent).toBe(
      'Sein Zugang ist abgelaufen: Verbinden Sie es neu.',
    );
    expect(main.textContent).toContain('@alice widerrufen');
    expect(byteSize(9_400_000)).toBe('9,4 MB');
    expect(byteSize(1)).toBe('1 Byte');
    expect(describeError({ code: 'companion_unreachable', message: 'fetch failed' })).toBe(
      'Der Companion ist nicht erreichbar. Läuft er?',
    );
    expect(describeError({ code: 'provider_error', message: 'HTTP 500' })).toBe(
      'Der Anbieter hat nicht mitgespielt: HTTP 500',
    );
    expect(describeError({ code: 'made_up', message: '' })).toBe('Etwas ist schiefgegangen (made_up).');
  });
});
