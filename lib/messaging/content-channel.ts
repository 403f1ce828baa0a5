import browser, { type Runtime } from 'webextension-polyfill';
import { ExtensionError, FileTooLarge } from '../errors/extension-error';
import { dispatch, type Handlers, isEnvelope } from './channel';
import { encodeFile, MAX_ACTION_FILE_BYTES, MAX_ACTION_FILES } from './content-files';
import type {
  ContentToBackground,
  SignedActionInput,
  SignedActionMessage,
  SignedActionResult,
  WireMultipartField,
} from './content-protocol';
import type { MessageResult } from './result';

const CHANNEL = 'content→background';

/**
 * For content scripts: asks the background for one signed API call as a
 * connected account. The user is asked first when this site has not been
 * allowed; the answer is the provider's response, or a stable error code
 * (`consent_denied`, `no_account`, `url_not_allowed`, `file_too_large`,
 * `provider_error`, …). Files (Blob, File, ArrayBuffer or a typed array) go
 * as base64, the one form both browsers' messaging carries intact.
 */
export async function requestSignedAction(request: SignedActionInput): Promise<MessageResult<SignedActionResult>> {
  let params: SignedActionMessage;
  try {
    params = await onTheWire(request);
  } catch (error) {
    // Only our own refusal keeps its code: a FileReader's DOMException has a numeric one (8 for NotFoundError).
    const code =
      error instanceof ExtensionError && error.code === 'file_too_large' ? 'file_too_large' : 'invalid_message';
    return { ok: false, error: { code, message: String(error) } };
  }
  try {
    return (await browser.runtime.sendMessage({
      channel: CHANNEL,
      name: 'requestSignedAction',
      params,
    })) as MessageResult<SignedActionResult>;
  } catch (error) {
    // The worker stopped with the question open, or the extension was reloaded.
    return { ok: false, error: { code: 'internal_error', message: `the extension did not answer: ${String(error)}` } };
  }
}

/** The request with its files read as base64; too many bytes are refused before any is read. */
async function onTheWire(request: SignedActionInput): Promise<SignedActionMessage> {
  const { multipart, raw, ...rest } = request;
  const files = [...(multipart ?? []).flatMap((f) => ('file' in f ? [f.file] : [])), ...(raw ? [raw.file] : [])];
  const bytes = files.reduce((sum, f) => sum + (f instanceof Blob ? f.size : f.byteLength), 0);
  if (files.length > MAX_ACTION_FILES || bytes > MAX_ACTION_FILE_BYTES) {
    throw new FileTooLarge(`at most ${MAX_ACTION_FILES} files and ${MAX_ACTION_FILE_BYTES} bytes in one action`);
  }
  const wireMultipart =
    multipart &&
    (await Promise.all(
      multipart.map(
        async (field): Promise<WireMultipartField> =>
          'file' in field
            ? { name: field.name, file: await encodeFile(field.file, field) }
            : { name: field.name, value: field.value },
      ),
    ));
  return {
    ...rest,
    ...(wireMultipart ? { multipart: wireMultipart } : {}),
    ...(raw ? { raw: await encodeFile(raw.file, raw) } : {}),
  };
}

/**
 * The background's listener for content scripts. Each handler gets the
 * sender as the browser reports it, and judges it itself: the origin a
 * request acts for is the sender's, never something the message says.
 */
export function contentMessageListener(handlers: Handlers<ContentToBackground, Runtime.MessageSender>) {
  return (message: unknown, sender: Runtime.MessageSender): Promise<unknown> | undefined => {
    if (!isEnvelope(message, CHANNEL)) return undefined;
    return dispatch(handlers, message, sender);
  };
}
