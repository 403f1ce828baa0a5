import { randomBytes, randomInt } from 'node:crypto';

export interface DemoUser {
  readonly id: string;
  readonly screenName: string;
  readonly name: string;
}

/** The people one can be at the dev provider: pick one on its authorize page. */
export const DEMO_USERS: readonly DemoUser[] = [
  { id: '1001', screenName: 'alice', name: 'Alice Example' },
  { id: '1002', screenName: 'bob', name: 'Bob Example' },
];

/** X's access levels: what x_auth_access_type asks for on request_token (docs/providers.md). */
export type DevAccess = 'read' | 'write';

interface RequestToken {
  readonly secret: string;
  readonly callback: string;
  readonly createdAt: number;
  readonly access: DevAccess;
  verifier?: string;
  user?: DemoUser;
}

interface AccessToken {
  readonly secret: string;
  readonly user: DemoUser;
  readonly access: DevAccess;
}

export interface Status {
  readonly id: string;
  readonly text: string;
  readonly user: DemoUser;
  readonly createdAt: number;
  /** Ids of the media attached (X's `media.media_ids`). */
  readonly mediaIds?: readonly string[];
}

/** An uploaded file, one-shot or chunked, by any of the upload styles. */
export interface Media {
  readonly id: string;
  readonly owner: DemoUser;
  readonly contentType: string;
  readonly category: string;
  /** Declared on a chunked upload's initialize; the bytes received so far, by segment index. */
  readonly totalBytes?: number;
  readonly segments: Map<number, Uint8Array>;
  /** The whole file, once finalized (a one-shot upload has it at once). */
  bytes?: Uint8Array;
  /** Processing, as X reports it for video: pending → in_progress → succeeded (docs/providers.md). */
  state: 'uploading' | 'pending' | 'in_progress' | 'succeeded' | 'failed';
  /** How many STATUS polls processing still takes. */
  pollsLeft: number;
  /** Text fields sent with it (Flickr's title, SmugMug's X-Smug-Title…), for the statuses page. */
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * Everything the dev provider knows, in memory: it is a development and test
 * peer, started fresh each time.
 */
export class DevProviderState {
  readonly requestTokens = new Map<string, RequestToken>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly statuses: Status[] = [];
  readonly media = new Map<string, Media>();
  /** Photos uploaded Flickr- or SmugMug-style, newest last: shown on the statuses page. */
  readonly photos: Media[] = [];
  #nextMediaId = 1_880_028_106_020_515_840n;

  /** A media id as X writes them: a decimal string of up to 19 digits. */
  newMediaId(): string {
    this.#nextMediaId += 1n;
    return String(this.#nextMediaId);
  }

  /** A request token; `access` as x_auth_access_type asked (an app's own level, write, without it). */
  issueRequestToken(callback: string, now: number, access: DevAccess = 'write'): { token: string; secret: string } {
    const token = randomToken();
    const secret = randomToken();
    this.requestTokens.set(token, { secret, callback, createdAt: now, access });
    return { token, secret };
  }

  /** The user approved: a single-use verifier (a 7-digit PIN for oob, as X does). */
  approve(token: string, user: DemoUser): string {
    const pending = this.requestTokens.get(token);
    if (!pending) throw new Error('unknown request token');
    pending.user = user;
    pending.verifier = pending.callback === 'oob' ? String(randomInt(1_000_000, 10_000_000)) : randomToken();
    return pending.verifier;
  }

  /** Exchanges a request token and its verifier, once. */
  exchange(token: string, verifier: string): { token: string; secret: string; user: DemoUser } | undefined {
    const pending = this.requestTokens.get(token);
    if (!pending?.user || pending.verifier === undefined || pending.verifier !== verifier) return undefined;
    this.requestTokens.delete(token);
    const access = { token: `${pending.user.id}-${randomToken()}`, secret: randomToken(), user: pending.user };
    this.accessTokens.set(access.token, { secret: access.secret, user: access.user, access: pending.access });
    return access;
  }
}

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}
