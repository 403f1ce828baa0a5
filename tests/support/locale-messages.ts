import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageSource } from '../../components/i18n';

/** One entry of a messages.json, as the browsers read it. */
export interface LocaleMessage {
  readonly message: string;
  readonly description?: string;
  readonly placeholders?: Readonly<Record<string, { readonly content: string; readonly example?: string }>>;
}

const LOCALES = join(import.meta.dirname, '../../public/_locales');

/** Every locale the extension ships (`public/_locales/<lang>`). */
export function shippedLocales(): string[] {
  return readdirSync(LOCALES).sort();
}

/** A locale's messages.json. */
export function localeMessages(locale: string): Record<string, LocaleMessage> {
  return JSON.parse(readFileSync(join(LOCALES, locale, 'messages.json'), 'utf8'));
}

/**
 * A message with its substitutions, the way browser.i18n.getMessage fills it:
 * each `$name$` (any case) becomes its placeholder's content, `$1`…`$9` the
 * substitutions (missing ones nothing), and `$$` a dollar sign.
 */
export function fillMessage(entry: LocaleMessage, substitutions: readonly string[] = []): string {
  const placeholders = Object.fromEntries(
    Object.entries(entry.placeholders ?? {}).map(([name, value]) => [name.toLowerCase(), value.content]),
  );
  const named = entry.message.replace(
    /\$([A-Za-z0-9_@]+)\$/g,
    (whole, name: string) => placeholders[name.toLowerCase()] ?? whole,
  );
  return named.replace(/\$(\$|[1-9])/g, (_, which: string) =>
    which === '$' ? '$' : (substitutions[Number(which) - 1] ?? ''),
  );
}

/** A browser.i18n stand-in that reads one locale's messages (unit tests run without a browser). */
export function localeSource(locale: string, uiLanguage = locale): MessageSource {
  const messages = localeMessages(locale);
  return {
    getMessage: (name, substitutions) => {
      const entry = messages[name];
      return entry ? fillMessage(entry, substitutions) : '';
    },
    getUILanguage: () => uiLanguage,
  };
}
