import { expect } from 'vitest';
import { OAuthError, type OAuthErrorCode } from '../../lib/oauth1';

/** Asserts that `run` throws (or rejects with) an OAuthError with this code. */
export async function expectOAuthError(run: () => unknown, code: OAuthErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected an OAuthError ${code}`).toBeInstanceOf(OAuthError);
  expect((caught as OAuthError).code).toBe(code);
}
