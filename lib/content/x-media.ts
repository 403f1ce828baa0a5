import { requestSignedAction } from '../messaging/content-channel';
import type { SignedActionResult } from '../messaging/content-protocol';
import type { MessageResult } from '../messaging/result';

/**
 * X's media upload from a content script, in one call: "upload this image or
 * video and give me a media id" for `POST /2/tweets` (`media.media_ids`).
 * Built on `requestSignedAction` alone, so every step goes through the same
 * checks, consent and activity log as any signed action; the user is asked
 * once for the whole upload (a `sequence`), never once per chunk.
 *
 * - Images up to 5 MB (not GIFs): the one-shot `POST /2/media/upload`,
 *   multipart `media` and `media_category`
 *   (https://docs.x.com/x-api/media/upload-media; "Image size: <= 5 MB",
 *   https://docs.x.com/x-api/media/quickstart/best-practices).
 * - Anything else: chunked. `POST /2/media/upload/initialize` (JSON media_type,
 *   total_bytes, media_category), `POST /2/media/upload/{id}/append` (multipart
 *   `media` and `segment_index`, from 0), `POST /2/media/upload/{id}/finalize`,
 *   then `GET /2/media/upload?command=STATUS&media_id=` every
 *   `check_after_secs` while `processing_info.state` is pending or in_progress
 *   (https://docs.x.com/x-api/media/initialize-media-upload, …/append-media-upload,
 *   …/finalize-media-upload, …/get-media-upload-status).
 * The media id is `data.id` (https://docs.x.com/x-api/posts/create-post: media_ids).
 */
export interface XMediaUpload {
  /** The provider id of X at the companion (default `x`). */
  readonly provider?: string;
  /** X API v2's base (default https://api.x.com/2/). */
  readonly apiBase?: string;
  /** X's media_category; default tweet_image, tweet_gif or tweet_video by the file's type. */
  readonly category?: string;
  readonly accountId?: string;
  /**
   * Bytes per append. X's v2 pages give no maximum; its v1.1 APPEND took
   * "<= 5 MB" chunks (https://developer.x.com/en/docs/twitter-api/v1/media/upload-media/api-reference/post-media-upload-append).
   * Default 4 MiB.
   */
  readonly chunkBytes?: number;
  /**
   * Requests the caller makes afterwards under `apiBase` with the returned
   * `sequence` (e.g. 1: the post that carries the media id), allowed by the
   * same answer of the user.
   */
  readonly thenRequests?: number;
  /** Waits between STATUS polls, for tests; `setTimeout` by default. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface XMediaUploaded {
  /** `data.id`: what `media.media_ids` takes. */
  readonly mediaId: string;
  readonly account: SignedActionResult['account'];
  /** For `thenRequests`: pass as `inSequence` to the follow-up requests. */
  readonly sequence?: string;
}

/** The one-shot upload's limit for images (best-practices page above). */
export const X_IMAGE_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
/** STATUS polls at most: a processing that takes longer than the sequence's ten minutes fails anyway. */
const MAX_POLLS = 60;

export async function uploadXMedia(file: Blob, options: XMediaUpload = {}): Promise<MessageResult<XMediaUploaded>> {
  const apiBase = options.apiBase ?? 'https://api.x.com/2/';
  const type = file.type || 'application/octet-stream';
  const category = options.category ?? defaultCategory(type);
  const filename = file instanceof File ? file.name : 'blob';
  const then = options.thenRequests ?? 0;
  const base = { provider: options.provider ?? 'x', ...(options.accountId ? { accountId: options.accountId } : {}) };
  const uploadUrl = new URL('media/upload', apiBase).href;
  const under = then > 0 ? apiBase : uploadUrl;

  if (category === 'tweet_image' && type !== 'image/gif' && file.size <= X_IMAGE_MAX_BYTES) {
    const answer = await requestSignedAction({
      ...base,
      method: 'POST',
      url: uploadUrl,
      multipart: [
        { name: 'media', file, filename, contentType: type },
        { name: 'media_category', value: category },
      ],
      ...(then > 0 ? { sequence: { under, requests: then } } : {}),
    });
    return mediaIdOf(answer, answer.ok ? answer.value.sequence : undefined);
  }

  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const chunks = Math.max(1, Math.ceil(file.size / chunkBytes));
  const initialized = await requestSignedAction({
    ...base,
    method: 'POST',
    url: new URL('media/upload/initialize', apiBase).href,
    json: { media_type: type, total_bytes: file.size, media_category: category },
    sequence: {
      under,
      requests: chunks + 1 + MAX_POLLS + then,
      files: [{ filename, contentType: type, size: file.size }],
    },
  });
  const started = mediaIdOf(initialized, initialized.ok ? initialized.value.sequence : undefined);
  if (!started.ok) return started;
  const { mediaId, sequence } = started.value;
  const step = { ...base, accountId: started.value.account.id, inSequence: sequence as string };
  const mediaUrl = new URL(`media/upload/${encodeURIComponent(mediaId)}/`, apiBase);

  for (let index = 0; index < chunks; index++) {
    const appended = await requestSignedAction({
      ...step,
      method: 'POST',
      url: new URL('append', mediaUrl).href,
      multipart: [
        { name: 'segment_index', value: String(index) },
        {
          name: 'media',
          file: file.slice(index * chunkBytes, (index + 1) * chunkBytes),
          filename: 'blob',
          contentType: 'application/octet-stream',
        },
      ],
    });
    const failed = refusal(appended);
    if (failed) return failed;
  }
  let answer = await requestSignedAction({ ...step, method: 'POST', url: new URL('finalize', mediaUrl).href });
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // Finalize's answer, then each poll's: the last poll's answer is read too.
  for (let polls = 0; polls <= MAX_POLLS; polls++) {
    const failed = refusal(answer);
    if (failed) return failed;
    const processing = processingOf(answer as { ok: true; value: SignedActionResult });
    if (processing === undefined || processing.state === 'succeeded') {
      return { ok: true, value: { mediaId, account: started.value.account, ...(then > 0 ? { sequence } : {}) } };
    }
    if (processing.state === 'failed') {
      return { ok: false, error: { code: 'provider_error', message: `X could not process the media (${mediaId})` } };
    }
    if (polls === MAX_POLLS) break;
    await sleep(Math.min(30, Math.max(1, processing.checkAfterSecs)) * 1000);
    answer = await requestSignedAction({
      ...step,
      method: 'GET',
      url: uploadUrl,
      query: [
        ['command', 'STATUS'],
        ['media_id', mediaId],
      ],
    });
  }
  return { ok: false, error: { code: 'provider_error', message: `X was still processing the media (${mediaId})` } };
}

/** X's categories for a post's media, by type (initialize's media_category). */
function defaultCategory(type: string): string {
  if (type === 'image/gif') return 'tweet_gif';
  return type.startsWith('video/') ? 'tweet_video' : 'tweet_image';
}

/** The media id in an answer, or why there is none. */
function mediaIdOf(
  answer: MessageResult<SignedActionResult>,
  sequence: string | undefined,
): MessageResult<XMediaUploaded> {
  const failed = refusal(answer);
  if (failed) return failed;
  const value = (answer as { ok: true; value: SignedActionResult }).value;
  const id = (parsed(value) as { data?: { id?: unknown } } | undefined)?.data?.id;
  if (typeof id !== 'string') {
    return { ok: false, error: { code: 'provider_error', message: 'X answered without a media id' } };
  }
  return { ok: true, value: { mediaId: id, account: value.account, ...(sequence ? { sequence } : {}) } };
}

/** A refusal by the extension, or the provider's error status, as a failure; undefined for success. */
function refusal(answer: MessageResult<SignedActionResult>): MessageResult<never> | undefined {
  if (!answer.ok) return answer;
  if (answer.value.status >= 400) {
    const detail = (parsed(answer.value) as { detail?: unknown } | undefined)?.detail;
    return {
      ok: false,
      error: {
        code: 'provider_error',
        message: `X refused (HTTP ${answer.value.status})${typeof detail === 'string' ? `: ${detail}` : ''}`,
      },
    };
  }
  return undefined;
}

function processingOf(answer: { value: SignedActionResult }): { state: string; checkAfterSecs: number } | undefined {
  const info = (
    parsed(answer.value) as { data?: { processing_info?: { state?: unknown; check_after_secs?: unknown } } }
  )?.data?.processing_info;
  if (!info || typeof info.state !== 'string') return undefined;
  return { state: info.state, checkAfterSecs: typeof info.check_after_secs === 'number' ? info.check_after_secs : 1 };
}

function parsed(value: SignedActionResult): unknown {
  if (value.bodyEncoding !== 'utf8') return undefined;
  try {
    return JSON.parse(value.body);
  } catch {
    return undefined;
  }
}
