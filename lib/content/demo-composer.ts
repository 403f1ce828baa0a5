import { requestSignedAction } from '../messaging/content-channel';
import type { SignedActionResult } from '../messaging/content-protocol';
import type { MessageResult } from '../messaging/result';
import { uploadXMedia } from './x-media';

/**
 * The demo app's content script (the dev provider's /demo page): the page's
 * form posts a status through `requestSignedAction`, and "Who am I?" reads
 * the account. The page says which provider and API base it uses; the
 * background asks the user, and the companion checks the URL, whatever the
 * page says.
 */
export function attachDemoComposer(doc: Document): void {
  const form = doc.querySelector<HTMLFormElement>('form[data-oauth1-demo="compose"]');
  const result = doc.querySelector<HTMLElement>('[data-oauth1-demo="result"]');
  if (!form || !result) return;
  const provider = form.dataset.provider ?? '';
  const apiBase = form.dataset.apiBase ?? '';
  const apiV2Base = form.dataset.apiV2Base ?? '';
  const photo = doc.querySelector<HTMLInputElement>('[data-oauth1-demo="photo"]');
  const state = doc.querySelector<HTMLElement>('[data-oauth1-demo="state"]');
  if (state) state.textContent = 'The OAuth 1.0a Connect extension is active: posts go through your connected account.';

  const show = (outcome: MessageResult<SignedActionResult>, success: (value: SignedActionResult) => string) => {
    if (!outcome.ok) {
      result.textContent = `Not done: ${outcome.error.message} (${outcome.error.code})`;
    } else if (outcome.value.status >= 400) {
      result.textContent = `The provider refused (HTTP ${outcome.value.status}).`;
    } else {
      result.textContent = success(outcome.value);
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // The user's own submit only: a page script's requestSubmit() or dispatched event is not a person.
    if (!event.isTrusted) return;
    const text = new FormData(form).get('status');
    if (typeof text !== 'string' || text.trim() === '') return;
    result.textContent = 'Asking the extension…';
    const file = photo?.files?.[0];
    if (file) {
      void postWithMedia(text, file).then((outcome) =>
        show(outcome, (value) => `Posted as @${value.account.screenName} with ${file.name}.`),
      );
      return;
    }
    void requestSignedAction({
      provider,
      method: 'POST',
      url: new URL('statuses/update.json', apiBase).href,
      form: [['status', text]],
    }).then((outcome) => show(outcome, (value) => `Posted as @${value.account.screenName}.`));
  });

  /** The README's "post with a photo": the upload and the post allowed by one answer of the user. */
  async function postWithMedia(text: string, file: File): Promise<MessageResult<SignedActionResult>> {
    const media = await uploadXMedia(file, { provider, apiBase: apiV2Base, thenRequests: 1 });
    if (!media.ok) return media;
    return requestSignedAction({
      provider,
      accountId: media.value.account.id,
      method: 'POST',
      url: new URL('tweets', apiV2Base).href,
      json: { text, media: { media_ids: [media.value.mediaId] } },
      ...(media.value.sequence ? { inSequence: media.value.sequence } : {}),
    });
  }

  doc.querySelector('[data-oauth1-demo="whoami"]')?.addEventListener('click', (event) => {
    if (!event.isTrusted) return;
    result.textContent = 'Asking the extension…';
    void requestSignedAction({
      provider,
      method: 'GET',
      url: new URL('account/verify_credentials.json', apiBase).href,
    }).then((outcome) => show(outcome, (value) => `You are @${value.account.screenName}.`));
  });
}
