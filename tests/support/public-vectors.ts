import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Parameter, SignatureMethodName } from '../../lib/oauth1';

export interface SignatureVector {
  readonly name: string;
  readonly source: string;
  readonly method: string;
  readonly url: string;
  readonly params: Parameter[];
  readonly consumerSecret: string;
  readonly tokenSecret: string;
  readonly signatureMethod: SignatureMethodName;
  readonly normalizedParameters: string;
  readonly baseString: string;
  readonly signature: string;
}

export interface PublicVectors {
  readonly vectors: SignatureVector[];
  readonly encoding: [string, string][];
  readonly baseStringUri: [string, string][];
  readonly normalization: [string, string][];
  readonly plaintext: [string, string, string][];
  readonly bodyHash: [string, string][];
}

/** The public vectors (RFC 5849, X docs, oauth.net), kept in the repository: see tests/fixtures/README.md. */
const path = fileURLToPath(new URL('../fixtures/oauth1-public.json', import.meta.url));

export const publicVectors: PublicVectors = JSON.parse(readFileSync(path, 'utf8'));
