import { CompanionError } from '../errors';
import type { AnswerReservation } from './answer-budget';

/**
 * The cap on a provider's answer, stated once for both transports (undici's
 * and fetch's, transport.ts): `bytes`, declared or read so far, may not pass
 * `maxBytes`, and are then held against the reservation.
 * @throws CompanionError upstream_too_large, companion_busy
 */
export function admitAnswerBytes(
  bytes: number,
  maxBytes: number,
  reservation: AnswerReservation,
  url: string | undefined,
): void {
  if (bytes > maxBytes) {
    const answer = url === undefined ? "the provider's answer" : `the answer of ${new URL(url).host}`;
    throw new CompanionError('upstream_too_large', `${answer} is larger than ${maxBytes} bytes`);
  }
  reservation.ensure(bytes);
}

/**
 * Reads a response body, refusing to hold more than `maxBytes` or more than
 * `reservation` can take: a provider (or something pretending to be one)
 * cannot make us buffer without bound.
 * @throws CompanionError upstream_too_large, companion_busy
 */
export async function readLimited(
  response: Response,
  maxBytes: number,
  reservation: AnswerReservation,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  try {
    if (Number.isFinite(declared)) admitAnswerBytes(declared, maxBytes, reservation, undefined);
  } catch (error) {
    await response.body?.cancel();
    throw error;
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    try {
      admitAnswerBytes(total, maxBytes, reservation, undefined);
    } catch (error) {
      await reader.cancel();
      throw error;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
