/**
 * Compares two strings in time that depends only on their lengths, so a
 * verifier does not tell an attacker how many leading characters of a forged
 * signature were right. Signature lengths are public (fixed per method).
 */
export function timingSafeEqual(actual: string, expected: string): boolean {
  let difference = actual.length ^ expected.length;
  const length = Math.max(actual.length, expected.length);
  for (let i = 0; i < length; i++) {
    difference |= (actual.charCodeAt(i) | 0) ^ (expected.charCodeAt(i) | 0);
  }
  return difference === 0;
}
