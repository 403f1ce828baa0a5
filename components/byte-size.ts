import { plural, uiLanguage } from './i18n';

/**
 * A size in bytes as people read it: 512 bytes, 1.2 MB (decimal units, as file
 * managers show them), with the user's language's decimal sign (1,2 MB in German).
 */
export function byteSize(bytes: number): string {
  if (bytes < 1000) return plural('byteCount', bytes);
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = value < 10 ? 1 : 0;
  const number = value.toLocaleString(uiLanguage(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${number} ${units[unit]}`;
}
