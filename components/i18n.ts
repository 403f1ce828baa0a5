/**
 * The extension's words, in the browser's language: `public/_locales/<lang>/messages.json`, read through
 * the browser's own i18n API (`browser.i18n.getMessage`), which also fills the manifest's `__MSG_…__`.
 * English (`en`) is the default locale and the list of names: a name English lacks does not compile.
 */
import type english from '../public/_locales/en/messages.json';

/** Every message name (English has them all; tests/components/locales.test.ts holds the other locales to it). */
export type MessageKey = keyof typeof english;

/** A message with plural forms: `<name>_one`, `<name>_other` (and whatever categories a locale's rules need). */
export type PluralKey = { [K in MessageKey]: K extends `${infer Base}_other` ? Base : never }[MessageKey];

/** What the words are read from: the browser's i18n API, or (in unit tests) the English messages. */
export interface MessageSource {
  getMessage(name: string, substitutions?: string[]): string;
  getUILanguage(): string;
}

let replacement: MessageSource | undefined;

/** Reads the words from `source` instead of the browser (unit tests, which run without one). */
export function setMessageSource(source: MessageSource | undefined): void {
  replacement = source;
}

function messages(): MessageSource {
  if (replacement) return replacement;
  // Pages and content scripts have the API as `browser` (Firefox) or `chrome` (Chromium); no polyfill needed.
  const scope = globalThis as { browser?: { i18n?: MessageSource }; chrome?: { i18n?: MessageSource } };
  const api = scope.browser?.i18n ?? scope.chrome?.i18n;
  if (!api) throw new Error('no browser.i18n here: call setMessageSource first');
  return api;
}

/**
 * The message `key` in the user's language, its placeholders filled in order
 * with `substitutions` (at most nine, the browser's limit). A message a
 * locale lacks falls back to English (the browser does that); one English
 * lacks cannot be named.
 */
export function t(key: MessageKey, ...substitutions: (string | number)[]): string {
  return messages().getMessage(key, substitutions.map(String)) || key;
}

/** A message whose name is made at run time (`error_<code>`), or '' when no locale has it. */
export function lookUp(key: string, ...substitutions: (string | number)[]): string {
  return messages().getMessage(key, substitutions.map(String));
}

/**
 * A message with plural forms for `count`: the form the language's plural
 * rules choose (`Intl.PluralRules`: English and German have `one` and
 * `other`). `count` is the first substitution, `more` follow.
 */
export function plural(key: PluralKey, count: number, ...more: (string | number)[]): string {
  const source = messages();
  const category = new Intl.PluralRules(source.getUILanguage()).select(count);
  const substitutions = [String(count), ...more.map(String)];
  return source.getMessage(`${key}_${category}`, substitutions) || source.getMessage(`${key}_other`, substitutions);
}

/** The browser's UI language (`en-US`, `de`): for numbers, dates and plural rules. */
export function uiLanguage(): string {
  return messages().getUILanguage();
}

/**
 * Puts an element (a link, a highlighted URL) inside a translated sentence:
 * the sentence is made with `marker` as that substitution, and split there.
 */
export function splitAt(text: string, marker: string): [string, string] {
  const at = text.indexOf(marker);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + marker.length)];
}

/** A page's title and language from the messages: the HTML files hold English only. */
export function localizePage(titleKey: MessageKey): void {
  document.title = t(titleKey);
  document.documentElement.lang = uiLanguage();
}
