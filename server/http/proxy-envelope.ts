import { isUtf8 } from 'node:buffer';
import type { ProxyResponse } from '../../lib/protocol';

/** A provider's answer, ready to pass on, and the memory it holds until it has been sent. */
export interface ProxiedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** Gives the answer's memory back (its AnswerReservation); called once the envelope is sent or abandoned. */
  readonly release: () => void;
}

/**
 * Bytes of the body encoded per piece: a multiple of 3, so that base64 pieces
 * join without padding. Anything up to one piece is sent as one buffer.
 */
const PIECE_BYTES = 48 * 1024;

const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|x-www-form-urlencoded|javascript))/i;

/**
 * How each byte of a UTF-8 body fares in a JSON string: 0 as is, 1 one byte
 * longer (`\"`, `\\`, `\t`, `\n`, `\r`), 2 a control character JSON would
 * spell as `\u00XX` (six bytes for one), which sends the body as base64.
 */
const JSON_COST = (() => {
  const table = new Uint8Array(256);
  for (let byte = 0; byte < 0x20; byte++) table[byte] = 2;
  for (const byte of [0x09, 0x0a, 0x0d, 0x22, 0x5c]) table[byte] = 1;
  return table;
})();

/**
 * The body's encoding on the wire, and its encoded length in bytes. Text is
 * sent as is (`utf8`) only when its type says text, it is valid UTF-8 and it
 * holds no control character but tab, CR and LF; anything else is base64. So
 * the envelope is never more than 4/3 of the body plus its quoted
 * characters, and no byte is ever replaced (invalid UTF-8 stays intact).
 */
export function bodyEncodingOf(
  contentType: string,
  body: Uint8Array,
): { encoding: ProxyResponse['bodyEncoding']; length: number } {
  const base64 = { encoding: 'base64' as const, length: Math.ceil(body.byteLength / 3) * 4 };
  if (!TEXTUAL.test(contentType) || !isUtf8(body)) return base64;
  let extra = 0;
  for (let i = 0; i < body.byteLength; i++) {
    const cost = JSON_COST[body[i] as number] as number;
    if (cost === 2) return base64;
    extra += cost;
  }
  return { encoding: 'utf8', length: body.byteLength + extra };
}

/**
 * The proxy's answer (`ProxyResponse` of lib/protocol) as an HTTP response,
 * written from the provider's bytes a piece at a time: the body is never
 * decoded or escaped whole, so the companion holds the provider's bytes plus
 * one piece, whatever the body holds. `Content-Length` is exact; the answer's
 * memory is released when the last byte is taken or the client goes away.
 */
/**
 * How long a client may take to read an envelope that is streamed: its
 * answer's memory is held until then, so a client that stops reading would
 * otherwise hold its share of the budget for as long as it keeps the socket.
 */
export const ENVELOPE_READ_DEADLINE_MS = 60_000;

export function proxyEnvelope(answer: ProxiedAnswer, readDeadlineMs = ENVELOPE_READ_DEADLINE_MS): Response {
  const { encoding, length } = bodyEncodingOf(answer.headers['content-type'] ?? '', answer.body);
  const meta: Omit<ProxyResponse, 'body'> = { status: answer.status, headers: answer.headers, bodyEncoding: encoding };
  const headText = `${JSON.stringify(meta).slice(0, -1)},"body":"`;

  if (answer.body.byteLength <= PIECE_BYTES) {
    // Most answers: encoded in one go, one string made into one buffer (no pieces, no decoder to set up).
    const bytes = Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength);
    // Buffer's UTF-8 decoding keeps a leading byte order mark, as the pieces' decoder does (ignoreBOM).
    const text = encoding === 'base64' ? bytes.toString('base64') : JSON.stringify(bytes.toString('utf8')).slice(1, -1);
    const whole = Buffer.from(`${headText}${text}"}`);
    answer.release();
    return new Response(whole, {
      status: 200,
      headers: { 'content-type': 'application/json', 'content-length': String(whole.byteLength) },
    });
  }
  const head = Buffer.from(headText);
  const tail = Buffer.from('"}');
  const headers = {
    'content-type': 'application/json',
    'content-length': String(head.byteLength + length + tail.byteLength),
  };
  const pieces = envelopePieces(answer.body, encoding, head, tail);
  let deadline: NodeJS.Timeout | undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // Past the deadline the answer is dropped (the client sees a cut-off body) and its memory given back.
        deadline = setTimeout(() => {
          answer.release();
          controller.error(new Error('the client did not read the answer in time'));
        }, readDeadlineMs);
        deadline.unref();
      },
      pull(controller) {
        const next = pieces.next();
        if (next.done) {
          clearTimeout(deadline);
          controller.close();
          answer.release();
        } else {
          controller.enqueue(next.value);
        }
      },
      cancel() {
        clearTimeout(deadline);
        answer.release();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(stream, { status: 200, headers });
}

function* envelopePieces(
  body: Uint8Array,
  encoding: ProxyResponse['bodyEncoding'],
  head: Buffer,
  tail: Buffer,
): Generator<Uint8Array> {
  yield head;
  // Valid UTF-8 (checked above) cut at any byte: the decoder carries a split character to the next piece.
  // A leading byte order mark is part of the body: kept, as counted in Content-Length.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  for (let offset = 0; offset < body.byteLength; offset += PIECE_BYTES) {
    const end = Math.min(offset + PIECE_BYTES, body.byteLength);
    const piece = Buffer.from(body.buffer, body.byteOffset + offset, end - offset);
    yield encoding === 'base64'
      ? Buffer.from(piece.toString('base64'), 'latin1')
      : Buffer.from(JSON.stringify(decoder.decode(piece, { stream: end < body.byteLength })).slice(1, -1));
  }
  yield tail;
}
