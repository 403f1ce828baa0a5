/**
 * `npm run vault:rotate`: after putting a new key first in VAULT_KEY
 * (`k2:<new>,k1:<old>`), re-seals every stored token under it. Then the old
 * key can be removed from VAULT_KEY.
 */
import { pathToFileURL } from 'node:url';
import { openStore } from '../store/open-store';
import { reencryptAll } from './rotate';
import { parseVaultKeys, Vault } from './vault';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!process.env.VAULT_KEY) {
    console.error('Set VAULT_KEY to the keys, newest first: k2:<new base64>,k1:<old base64>');
    process.exit(1);
  }
  const vault = new Vault(parseVaultKeys(process.env.VAULT_KEY));
  const store = openStore(process.env.DATABASE_URL ?? 'sqlite:./data/companion.db');
  await store.migrate();
  const result = await reencryptAll(store, vault);
  await store.close();
  console.log(
    `re-sealed ${result.resealed} account(s) under key "${vault.currentKeyId}"; ${result.unchanged} already were`,
  );
}
