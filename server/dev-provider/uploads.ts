import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { VerifiedRequest } from '../../lib/oauth1';
import type { BodySigning } from './signed-body';
import type { DemoUser, DevProviderState, Media } from './state';

type SignedRoute = (
  kind: 'access',
  handle: (c: Context, request: VerifiedRequest) => Response | Promise<Response>,
  rule?: BodySigning,
) => (c: Context) => Promise<Response>;

/**
 * The upload endpoints of the dev provider, each in the style of a real one
 * and verifying signatures by that provider's rule:
 * - X API v2: one-shot `POST /2/media/upload` and the chunked initialize /
 *   append / finalize / STATUS flow, then `POST /2/tweets` with
 *   `media.media_ids` (multipart bodies unsigned);
 * - Flickr: `POST /services/upload/`, every field but `photo` signed;
 * - SmugMug: `POST /upload/`, the file as the raw body with X-Smug-* headers
 *   and a base64 Content-MD5.
 * Sources beside each route; docs/providers.md gathers them.
 */
export function registerUploadRoutes(
  app: Hono,
  { state, now, signedRoute }: { state: DevProviderState; now: () => number; signedRoute: SignedRoute },
): void {
  const userOf = (request: VerifiedRequest): DemoUser => state.accessTokens.get(request.token ?? '')?.user as DemoUser;
  const mediaKey = (id: string) => `3_${id}`;

  // One-shot: multipart `media` and `media_category`, both required; images only
  // (https://docs.x.com/x-api/media/upload-media; "the older simple upload (images only)",
  // https://docs.x.com/x-api/media/introduction). "Image size: <= 5 MB"
  // (https://docs.x.com/x-api/media/quickstart/best-practices).
  app.post(
    '/2/media/upload',
    signedRoute(
      'access',
      async (c, request) => {
        const form = await c.req.formData().catch(() => undefined);
        const media = form?.get('media');
        const category = form?.get('media_category');
        if (!(media instanceof File)) return xInvalid(c, 'media', 'The media field is required.');
        if (typeof category !== 'string' || !ONE_SHOT_CATEGORIES.has(category)) {
          return xInvalid(c, 'media_category', 'media_category must be one of tweet_image, dm_image, subtitles.');
        }
        if (media.size > IMAGE_MAX_BYTES) return xInvalid(c, 'media', 'Image size must be <= 5 MB.');
        const bytes = new Uint8Array(await media.arrayBuffer());
        const id = state.newMediaId();
        state.media.set(id, {
          id,
          owner: userOf(request),
          contentType: media.type,
          category,
          segments: new Map(),
          bytes,
          state: 'succeeded',
          pollsLeft: 0,
          fields: {},
        });
        return c.json({
          data: {
            id,
            media_key: mediaKey(id),
            size: bytes.byteLength,
            expires_after_secs: EXPIRES_AFTER_SECS,
            image: { image_type: media.type },
          },
        });
      },
      'oauth-only',
    ),
  );

  // Chunked, step 1: a JSON body of media_type, total_bytes, media_category
  // (https://docs.x.com/x-api/media/initialize-media-upload).
  app.post(
    '/2/media/upload/initialize',
    signedRoute('access', async (c, request) => {
      const body = (await c.req.json().catch(() => undefined)) as
        | { media_type?: unknown; total_bytes?: unknown; media_category?: unknown }
        | undefined;
      const totalBytes = body?.total_bytes;
      if (typeof totalBytes !== 'number' || !Number.isInteger(totalBytes) || totalBytes <= 0) {
        return xInvalid(c, 'total_bytes', 'total_bytes must be a positive integer.');
      }
      if (typeof body?.media_type !== 'string') return xInvalid(c, 'media_type', 'media_type is required.');
      const category = typeof body.media_category === 'string' ? body.media_category : 'tweet_video';
      if (!CHUNKED_CATEGORIES.has(category)) return xInvalid(c, 'media_category', 'Unknown media_category.');
      const id = state.newMediaId();
      state.media.set(id, {
        id,
        owner: userOf(request),
        contentType: body.media_type,
        category,
        totalBytes,
        segments: new Map(),
        state: 'uploading',
        pollsLeft: 0,
        fields: {},
      });
      return c.json({ data: { id, media_key: mediaKey(id), expires_after_secs: EXPIRES_AFTER_SECS } });
    }),
  );

  // Step 2: multipart `media` (the chunk) and `segment_index`, 0 to 999
  // (https://docs.x.com/x-api/media/append-media-upload).
  app.post(
    '/2/media/upload/:id/append',
    signedRoute(
      'access',
      async (c, request) => {
        const media = ownMedia(state, c.req.param('id') ?? '', userOf(request));
        if (media?.state !== 'uploading') return xNotFound(c, 'media');
        const form = await c.req.formData().catch(() => undefined);
        const chunk = form?.get('media');
        const index = Number(form?.get('segment_index'));
        if (!(chunk instanceof File)) return xInvalid(c, 'media', 'The media field is required.');
        if (!Number.isInteger(index) || index < 0 || index > 999) {
          return xInvalid(c, 'segment_index', 'segment_index must be between 0 and 999.');
        }
        media.segments.set(index, new Uint8Array(await chunk.arrayBuffer()));
        return c.json({ data: { expires_at: Math.floor(now() / 1000) + EXPIRES_AFTER_SECS } });
      },
      'oauth-only',
    ),
  );

  // Step 3: no body. "If processing_info is returned, proceed to Step 4" (STATUS): video is
  // processed asynchronously (https://docs.x.com/x-api/media/finalize-media-upload and the chunked
  // quickstart, https://docs.x.com/x-api/media/quickstart/media-upload-chunked).
  app.post(
    '/2/media/upload/:id/finalize',
    signedRoute('access', async (c, request) => {
      const media = ownMedia(state, c.req.param('id') ?? '', userOf(request));
      if (media?.state !== 'uploading') return xNotFound(c, 'media');
      const indexes = [...media.segments.keys()].sort((a, b) => a - b);
      if (indexes.some((index, at) => index !== at)) return xInvalid(c, 'segment_index', 'A segment is missing.');
      const whole = joinSegments(indexes.map((index) => media.segments.get(index) as Uint8Array));
      if (whole.byteLength !== media.totalBytes) {
        return xInvalid(c, 'total_bytes', `Received ${whole.byteLength} bytes, not total_bytes ${media.totalBytes}.`);
      }
      media.bytes = whole;
      media.segments.clear();
      const processed = ASYNC_CATEGORIES.has(media.category);
      media.state = processed ? 'pending' : 'succeeded';
      media.pollsLeft = processed ? 2 : 0;
      return c.json({
        data: { ...mediaData(media), ...(processed ? { processing_info: processingInfo(media) } : {}) },
      });
    }),
  );

  // Step 4: GET /2/media/upload?command=STATUS&media_id=…; "pending → in_progress → succeeded or
  // failed", with check_after_secs (https://docs.x.com/x-api/media/get-media-upload-status).
  app.get(
    '/2/media/upload',
    signedRoute('access', (c, request) => {
      const media = ownMedia(state, c.req.query('media_id') ?? '', userOf(request));
      if (!media || media.state === 'uploading') return xNotFound(c, 'media_id');
      if (media.state === 'pending' || media.state === 'in_progress') {
        media.pollsLeft -= 1;
        media.state = media.pollsLeft <= 0 ? 'succeeded' : 'in_progress';
      }
      return c.json({ data: { ...mediaData(media), processing_info: processingInfo(media) } });
    }),
  );

  // `{"text": …, "media": {"media_ids": ["…"]}}`, 1 to 4 ids; 201 with data.id and data.text
  // (https://docs.x.com/x-api/posts/create-post).
  app.post(
    '/2/tweets',
    signedRoute('access', async (c, request) => {
      const body = (await c.req.json().catch(() => undefined)) as
        | { text?: unknown; media?: { media_ids?: unknown } }
        | undefined;
      const text = typeof body?.text === 'string' ? body.text : '';
      const ids = body?.media?.media_ids;
      const mediaIds = Array.isArray(ids) ? ids : [];
      if (ids !== undefined && (!Array.isArray(ids) || ids.length < 1 || ids.length > 4)) {
        return xInvalid(c, 'media.media_ids', 'media_ids holds 1 to 4 media ids.');
      }
      if (text.length === 0 && mediaIds.length === 0) return xInvalid(c, 'text', 'A post needs text or media.');
      if (text.length > 280) return xInvalid(c, 'text', 'Text is longer than 280 characters.');
      const user = userOf(request);
      for (const id of mediaIds) {
        const media = typeof id === 'string' ? ownMedia(state, id, user) : undefined;
        if (media?.state !== 'succeeded') return xInvalid(c, 'media.media_ids', `Media ${String(id)} is not ready.`);
      }
      const status = { id: String(state.statuses.length + 1), text, user, createdAt: now(), mediaIds };
      state.statuses.push(status);
      return c.json({ data: { id: status.id, text } }, 201);
    }),
  );

  // Flickr: "Photos should be POSTed to … https://up.flickr.com/services/upload/"; the answer is
  // <photoid> in the REST response style; error 2 "No photo specified", 4 "Filesize was zero"
  // (https://www.flickr.com/services/api/upload.api.html).
  app.post(
    '/services/upload/',
    signedRoute(
      'access',
      async (c, request) => {
        const form = await c.req.formData();
        const photo = form.get('photo');
        if (!(photo instanceof File)) return flickrFail(c, 2, 'No photo specified');
        if (photo.size === 0) return flickrFail(c, 4, 'Filesize was zero');
        const fields: Record<string, string> = {};
        form.forEach((value, name) => {
          if (typeof value === 'string') fields[name] = value;
        });
        const media = storedPhoto(
          state,
          userOf(request),
          photo.type,
          new Uint8Array(await photo.arrayBuffer()),
          fields,
        );
        return c.body(
          `<?xml version="1.0" encoding="utf-8" ?>\n<rsp stat="ok">\n<photoid>${media.id}</photoid>\n</rsp>\n`,
          200,
          {
            'content-type': 'text/xml; charset=utf-8',
          },
        );
      },
      'all-but-files',
    ),
  );

  // SmugMug: "make an HTTP POST request to the Uploader API at https://upload.smugmug.com/" with the
  // media as the body; X-Smug-AlbumUri, X-Smug-ResponseType and X-Smug-Version required; Content-MD5
  // "The MD5 digest of the media, base64-encoded" (https://api.smugmug.com/api/v2/doc/reference/upload.html).
  // The answer's shape (stat, Image.ImageUri, AlbumImageUri, URL) is known from third-party clients only.
  app.post(
    '/upload/',
    signedRoute(
      'access',
      async (c, request) => {
        const album = c.req.header('x-smug-albumuri');
        if (!album || c.req.header('x-smug-responsetype') !== 'JSON' || c.req.header('x-smug-version') !== 'v2') {
          return c.json(
            { stat: 'fail', message: 'X-Smug-AlbumUri, X-Smug-ResponseType: JSON and X-Smug-Version: v2 are required' },
            400,
          );
        }
        const bytes = new Uint8Array(await c.req.arrayBuffer());
        const declared = c.req.header('content-md5');
        if (declared !== undefined) {
          if (createHash('md5').update(bytes).digest('base64') !== declared)
            return c.json({ stat: 'fail', message: 'Content-MD5 mismatch' }, 400);
        }
        const fields = {
          title: c.req.header('x-smug-title') ?? '',
          fileName: c.req.header('x-smug-filename') ?? '',
          album,
        };
        const media = storedPhoto(state, userOf(request), c.req.header('content-type') ?? '', bytes, fields);
        return c.json({
          stat: 'ok',
          method: 'smugmug.images.upload',
          Image: {
            ImageUri: `/api/v2/image/${media.id}-0`,
            AlbumImageUri: `${album}/image/${media.id}-0`,
            URL: new URL(`/media/${media.id}`, c.req.url).href,
          },
        });
      },
      'oauth-only',
    ),
  );

  // The uploaded bytes as they arrived, for the statuses page and the tests' hash checks.
  app.get('/media/:id', (c) => {
    const media = state.media.get(c.req.param('id'));
    if (!media?.bytes) return c.text('no such media', 404);
    return c.body(media.bytes.slice().buffer, 200, {
      'content-type': media.contentType || 'application/octet-stream',
      'content-security-policy': "default-src 'none'; sandbox",
      'x-content-type-options': 'nosniff',
    });
  });
}

const EXPIRES_AFTER_SECS = 86_400;
const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
const ONE_SHOT_CATEGORIES = new Set(['tweet_image', 'dm_image', 'subtitles']);
const CHUNKED_CATEGORIES = new Set([
  'amplify_video',
  'tweet_gif',
  'tweet_image',
  'tweet_video',
  'dm_gif',
  'dm_image',
  'dm_video',
  'subtitles',
]);
/** Categories X processes after finalize (video and animated GIF). */
const ASYNC_CATEGORIES = new Set(['amplify_video', 'tweet_gif', 'tweet_video', 'dm_gif', 'dm_video']);

function ownMedia(state: DevProviderState, id: string, user: DemoUser): Media | undefined {
  const media = state.media.get(id);
  return media?.owner.id === user.id ? media : undefined;
}

function mediaData(media: Media) {
  return {
    id: media.id,
    media_key: `3_${media.id}`,
    size: media.bytes?.byteLength ?? 0,
    expires_after_secs: EXPIRES_AFTER_SECS,
  };
}

function processingInfo(media: Media) {
  return media.state === 'succeeded'
    ? { state: 'succeeded', progress_percent: 100 }
    : { state: media.state, check_after_secs: 1, progress_percent: media.state === 'pending' ? 0 : 50 };
}

function storedPhoto(
  state: DevProviderState,
  owner: DemoUser,
  contentType: string,
  bytes: Uint8Array,
  fields: Record<string, string>,
): Media {
  const id = state.newMediaId();
  const media: Media = {
    id,
    owner,
    contentType,
    category: 'photo',
    segments: new Map(),
    bytes,
    state: 'succeeded',
    pollsLeft: 0,
    fields,
  };
  state.media.set(id, media);
  state.photos.push(media);
  return media;
}

function joinSegments(segments: readonly Uint8Array[]): Uint8Array {
  const whole = new Uint8Array(segments.reduce((sum, s) => sum + s.byteLength, 0));
  let at = 0;
  for (const segment of segments) {
    whole.set(segment, at);
    at += segment.byteLength;
  }
  return whole;
}

/**
 * The dev provider's refusal of a bad parameter: 400 with title, detail, type and errors, the members of
 * the problem answers X API v2 sends; the exact type URLs and wording are the dev provider's own, not X's.
 */
function xInvalid(c: Context, parameter: string, message: string) {
  return c.json(
    {
      title: 'Invalid Request',
      detail: message,
      type: 'https://api.x.com/2/problems/invalid-request',
      errors: [{ parameters: { [parameter]: [] }, message }],
    },
    400,
  );
}

function xNotFound(c: Context, parameter: string) {
  return c.json(
    {
      title: 'Not Found Error',
      detail: `No such ${parameter}.`,
      type: 'https://api.x.com/2/problems/resource-not-found',
    },
    404,
  );
}

/** Flickr answers failures with 200 and `<rsp stat="fail">` (the REST response style). */
function flickrFail(c: Context, code: number, message: string) {
  return c.body(
    `<?xml version="1.0" encoding="utf-8" ?>\n<rsp stat="fail">\n<err code="${code}" msg="${message}" />\n</rsp>\n`,
    200,
    {
      'content-type': 'text/xml; charset=utf-8',
    },
  );
}
