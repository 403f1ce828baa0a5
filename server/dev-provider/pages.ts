import type { DemoUser, Media, Status } from './state';

/** Everything that reaches HTML goes through here. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
button{font:inherit;padding:.4rem 1rem;margin-right:.5rem}.pin{font-size:2rem;letter-spacing:.3rem;font-weight:bold}
.status{border-top:1px solid #8886;padding:.5rem 0}</style></head>
<body><p><small>Dev provider: a local OAuth 1.0a provider for development. Not a real service.</small></p>${body}</body></html>`;
}

export function authorizePage(token: string, consumerName: string, users: readonly DemoUser[]): string {
  const options = users
    .map((u) => `<option value="${escapeHtml(u.id)}">@${escapeHtml(u.screenName)} (${escapeHtml(u.name)})</option>`)
    .join('');
  return page(
    `Authorize ${consumerName}`,
    `<h1>Authorize ${escapeHtml(consumerName)} to use your account?</h1>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="oauth_token" value="${escapeHtml(token)}">
<p><label>Signed in as <select name="user_id">${options}</select></label></p>
<p>It will be able to read your profile and post statuses for you.</p>
<button type="submit" name="decision" value="authorize">Authorize app</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form>`,
  );
}

export function pinPage(pin: string): string {
  return page(
    'Your PIN',
    `<h1>You've authorized the app</h1><p>Enter this PIN to complete authorization:</p>
<p class="pin" data-testid="pin">${escapeHtml(pin)}</p>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

export function statusesPage(statuses: readonly Status[], photos: readonly Media[] = []): string {
  const image = (id: string) =>
    `<img src="/media/${encodeURIComponent(id)}" alt="" data-testid="status-media" data-media-id="${escapeHtml(id)}" style="max-width:100%;display:block;margin:.25rem 0">`;
  const items = statuses
    .map(
      (s) =>
        `<div class="status" data-testid="status"><strong>@${escapeHtml(s.user.screenName)}</strong> ${escapeHtml(s.text)}${(s.mediaIds ?? []).map(image).join('')}<br><small>${new Date(s.createdAt).toISOString()}</small></div>`,
    )
    .join('');
  const uploads = photos
    .map(
      (p) =>
        `<div class="status" data-testid="photo"><strong>@${escapeHtml(p.owner.screenName)}</strong> ${escapeHtml(p.fields.title ?? '')}${image(p.id)}</div>`,
    )
    .join('');
  return page(
    'Statuses',
    `<h1>Statuses</h1>${items || '<p>No statuses yet.</p>'}${uploads ? `<h2>Photos</h2>${uploads}` : ''}`,
  );
}

/**
 * A small web app that uses the extension: its content script finds the form
 * by its data attributes and posts through the background and the companion.
 * The page itself holds no credentials and makes no API calls.
 */
export function demoPage(apiBase: string): string {
  return page(
    'Dev provider demo app',
    `<h1>What's happening?</h1>
<p data-oauth1-demo="state">The OAuth 1.0a Connect extension is not active on this page.</p>
<form data-oauth1-demo="compose" data-provider="dev" data-api-base="${escapeHtml(apiBase)}" data-api-v2-base="${escapeHtml(new URL('../2/', apiBase).href)}" action="#">
<p><label for="status">Your status</label><br><textarea id="status" name="status" rows="3" cols="40" maxlength="280" required></textarea></p>
<p><label for="photo">Attach a photo or video</label><br><input id="photo" name="photo" type="file" accept="image/*,video/*" data-oauth1-demo="photo"></p>
<button type="submit">Post</button>
<button type="button" data-oauth1-demo="whoami">Who am I?</button>
</form>
<p role="status" data-oauth1-demo="result"></p>
<p><a href="/statuses">All statuses</a></p>`,
  );
}
