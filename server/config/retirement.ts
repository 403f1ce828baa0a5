import type { ProviderRetirement } from '../../lib/protocol';
import type { Provider } from './providers';

/** How long before its date a retirement is announced: start-up warns, the popup shows it. */
export const RETIREMENT_NOTICE_MS = 30 * 24 * 60 * 60 * 1000;

/** When a provider stops taking new connections: the day after `on` (UTC), since `on` is its last day. */
export function retiredFrom(retirement: ProviderRetirement): number {
  return Date.parse(`${retirement.on}T00:00:00Z`) + 24 * 60 * 60 * 1000;
}

/**
 * Where a provider stands on `now` (ms): `active` until the notice period,
 * `retiring` within the 30 days before its last day, `retired` after it.
 */
export function retirementStage(
  retirement: ProviderRetirement | undefined,
  now: number,
): 'active' | 'retiring' | 'retired' {
  if (!retirement) return 'active';
  const end = retiredFrom(retirement);
  if (now >= end) return 'retired';
  return now >= end - RETIREMENT_NOTICE_MS ? 'retiring' : 'active';
}

/** The start-up warnings for providers within their notice period or past their date. */
export function retirementNotices(providers: Iterable<Provider>, now: number): string[] {
  const notices: string[] = [];
  for (const provider of providers) {
    const stage = retirementStage(provider.retirement, now);
    if (stage === 'retiring') {
      notices.push(
        `provider "${provider.id}" retires OAuth 1.0a on ${provider.retirement?.on}: ${provider.retirement?.note}`,
      );
    } else if (stage === 'retired') {
      notices.push(
        `provider "${provider.id}" retired OAuth 1.0a on ${provider.retirement?.on}: new connections are refused (provider_retired)`,
      );
    }
  }
  return notices;
}
