import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A 256-bit key with the id stored beside everything it encrypts. */
export interface VaultKey {
  readonly id: string;
  readonly key: Buffer;
}

export class VaultError extends Error {
  override readonly name = 'VaultError';
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for secrets at rest: an account's token and token secret, a
 * pending flow's request-token secret. Each value is bound to its row by
 * associated data (sealing-context.ts: the account and install ids, or the
 * flow id), so a ciphertext copied into another row does not decrypt. New
 * values use the first key; older keys still decrypt, which is what lets keys
 * rotate (`reencryptAll` in rotate.ts, `npm run vault:rotate`, re-seals the
 * accounts' secrets under the first key).
 *
 * Sealed form: `v1.<key id>.<base64url nonce | ciphertext | tag>`.
 */
export class Vault {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(private readonly ordered: readonly VaultKey[]) {
    if (ordered.length === 0) throw new VaultError('the vault needs at least one key');
    for (const { id, key } of ordered) {
      if (key.length !== 32) throw new VaultError(`vault key "${id}" must be 32 bytes, not ${key.length}`);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id))
        throw new VaultError(`vault key id "${id}" must be 1-32 letters, digits, _ or -`);
    }
    this.keys = new Map(ordered.map(({ id, key }) => [id, key]));
    if (this.keys.size !== ordered.length) throw new VaultError('vault key ids must be unique');
  }

  /** The id new values are sealed with. */
  get currentKeyId(): string {
    return (this.ordered[0] as VaultKey).id;
  }

  seal(plaintext: string, associatedData: string): string {
    const { id, key } = this.ordered[0] as VaultKey;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1.${id}.${Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]).toString('base64url')}`;
  }

  open(sealed: string, associatedData: string): string {
    const [version, id, payload] = sealed.split('.');
    if (version !== 'v1' || id === undefined || payload === undefined) throw new VaultError('not a sealed vault value');
    const key = this.keys.get(id);
    if (!key) throw new VaultError(`sealed with vault key "${id}", which is not configured`);
    const bytes = Buffer.from(payload, 'base64url');
    if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new VaultError('sealed value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new VaultError('sealed value does not authenticate (wrong row, wrong key or tampered)');
    }
  }

  /** Whether a sealed value already uses the current key. */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`v1.${this.currentKeyId}.`);
  }
}

/**
 * Parses VAULT_KEY: either one base64 key (id "k1"), or a comma-separated list
 * of `id:base64` with the newest first, e.g. `k2:…,k1:…`.
 */
export function parseVaultKeys(text: string): VaultKey[] {
  const entries = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new VaultError('VAULT_KEY is empty');
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    const id = colon === -1 ? 'k1' : entry.slice(0, colon);
    const key = Buffer.from(colon === -1 ? entry : entry.slice(colon + 1), 'base64');
    if (key.length !== 32)
      throw new VaultError(`VAULT_KEY "${id}" must be 32 bytes of base64, got ${key.length} bytes`);
    return { id, key };
  });
}
