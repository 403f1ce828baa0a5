import { CompanionError } from '../errors';
import type { AnswerReservation } from './answer-budget';

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
    if (Number.isFinite(declared) && declared > maxBytes) {
      throw new CompanionError('upstream_too_large', `the provider's answer is larger than ${maxBytes} bytes`);
    }
    if (Number.isFinite(declared)) reservation.ensure(declared);
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
      if (total > maxBytes) {
        throw new CompanionError('upstream_too_large', `the provider's answer is larger than ${maxBytes} bytes`);
      }
      reservation.ensure(total);
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
