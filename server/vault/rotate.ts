import type { Store } from '../store/store';
import { accountSealingContext } from './sealing-context';
import type { Vault } from './vault';

/**
 * Re-seals every account secret under the vault's newest key, so that older
 * keys can then be dropped from VAULT_KEY. Values already under the newest
 * key are left alone, so running it twice, or on two instances, is harmless.
 * Pending flows are not touched: they expire within ten minutes.
 */
export async function reencryptAll(
  store: Store,
  vault: Vault,
): Promise<{ resealed: number; unchanged: number; changedMeanwhile: number }> {
  let resealed = 0;
  let unchanged = 0;
  let changedMeanwhile = 0;
  for (const row of await store.sealedAccountSecrets()) {
    if (vault.isCurrent(row.token) && vault.isCurrent(row.tokenSecret)) {
      unchanged++;
      continue;
    }
    const ad = accountSealingContext(row.id, row.installId);
    const written = await store.replaceSealedAccountSecrets(
      {
        ...row,
        token: vault.seal(vault.open(row.token, ad), ad),
        tokenSecret: vault.seal(vault.open(row.tokenSecret, ad), ad),
      },
      row,
    );
    // A reconnect in between wrote a newer token (under the newest key): it stays.
    if (written) resealed++;
    else changedMeanwhile++;
  }
  return { resealed, unchanged, changedMeanwhile };
}
