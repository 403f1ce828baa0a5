import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseVaultKeys, Vault, VaultError } from '../../../server/vault/vault';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('Vault (AES-256-GCM, row ids as associated data)', () => {
  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const vault = new Vault([key('k1')]);
    const sealed = vault.seal('token secret ☃', 'account:a1');
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('token secret');
    expect(vault.open(sealed, 'account:a1')).toBe('token secret ☃');
  });

  it('seals the same secret differently every time (fresh nonce)', () => {
    const vault = new Vault([key('k1')]);
    expect(vault.seal('s', 'a')).not.toBe(vault.seal('s', 'a'));
  });

  it('refuses a value moved to another row, tampered with, or truncated', () => {
    const vault = new Vault([key('k1')]);
    const sealed = vault.seal('secret', 'account:a1');
    expect(() => vault.open(sealed, 'account:a2')).toThrow(VaultError);
    // The second-to-last character always carries six bits of the tag; changing it changes the tag.
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.slice(-1)}`;
    expect(flipped).not.toBe(sealed);
    expect(() => vault.open(flipped, 'account:a1')).toThrow(VaultError);
    expect(() => vault.open('v1.k1.AAAA', 'account:a1')).toThrow(/truncated/);
    expect(() => vault.open('plain', 'account:a1')).toThrow(/not a sealed/);
  });

  it('rotates: old keys still open, new values use the first key', () => {
    const k1 = key('k1');
    const old = new Vault([k1]).seal('secret', 'row');
    const rotated = new Vault([key('k2'), k1]);
    expect(rotated.open(old, 'row')).toBe('secret');
    expect(rotated.isCurrent(old)).toBe(false);
    const resealed = rotated.seal(rotated.open(old, 'row'), 'row');
    expect(rotated.isCurrent(resealed)).toBe(true);
    expect(() => new Vault([key('k3')]).open(old, 'row')).toThrow(/"k1", which is not configured/);
  });

  it('refuses bad keys', () => {
    expect(() => new Vault([])).toThrow(VaultError);
    expect(() => new Vault([{ id: 'k1', key: randomBytes(16) }])).toThrow(/32 bytes/);
    expect(() => new Vault([key('k1'), key('k1')])).toThrow(/unique/);
  });
});

describe('parseVaultKeys (VAULT_KEY)', () => {
  it('reads one bare key as k1, or a newest-first list of id:key', () => {
    const a = randomBytes(32).toString('base64');
    const b = randomBytes(32).toString('base64');
    expect(parseVaultKeys(a).map((k) => k.id)).toEqual(['k1']);
    expect(parseVaultKeys(`k2:${b}, k1:${a}`).map((k) => [k.id, k.key.toString('base64')])).toEqual([
      ['k2', b],
      ['k1', a],
    ]);
  });

  it('says what is wrong with a bad value', () => {
    expect(() => parseVaultKeys('')).toThrow(/empty/);
    expect(() => parseVaultKeys('c2hvcnQ=')).toThrow(/32 bytes of base64/);
  });
});
