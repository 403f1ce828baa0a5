import type { AccessLevel } from '../../lib/protocol';
import { CompanionError } from '../errors';
import type { Provider } from './providers';

/** The access a connection asks for when the user did not choose: the writes this product exists for. */
export const DEFAULT_ACCESS: AccessLevel = 'write';

/**
 * The access level of a new flow: the one asked for, or `write`, for a
 * provider with access levels; null for one without.
 * @throws CompanionError `access_not_supported` when `asked` is given for a provider without levels
 */
export function accessFor(provider: Provider, asked: AccessLevel | undefined): AccessLevel | null {
  if (!provider.accessLevels) {
    if (asked !== undefined) {
      throw new CompanionError('access_not_supported', `${provider.name} has no access levels to choose from`);
    }
    return null;
  }
  return asked ?? DEFAULT_ACCESS;
}

/**
 * The extra parameters of the request-token call and of the authorize URL:
 * the provider's own, then those of the access level, with `{appName}`
 * replaced by the companion's APP_NAME.
 */
export function authorizationParamsFor(
  provider: Provider,
  access: AccessLevel | null,
  appName: string,
): { readonly requestToken: Record<string, string>; readonly authorize: Record<string, string> } {
  const level = access === null ? undefined : provider.accessLevels?.[access];
  const named = (params: Readonly<Record<string, string>> | undefined) =>
    Object.fromEntries(
      Object.entries(params ?? {}).map(([name, value]) => [name, value.replaceAll('{appName}', appName)]),
    );
  return {
    requestToken: { ...named(provider.requestTokenParams), ...named(level?.requestTokenParams) },
    authorize: { ...named(provider.authorizeParams), ...named(level?.authorizeParams) },
  };
}
