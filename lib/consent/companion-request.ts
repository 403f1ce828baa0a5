import type { SignedActionRequest } from '../messaging/content-protocol';
import type { MultipartField, ProxyRequest } from '../protocol';

/**
 * A checked signed action as the companion's ProxyRequest, and the bytes of
 * its files by part name (`f0`, `f1`, … and `raw`): the companion client sends
 * them as multipart/form-data after the request that declares them.
 */
export function companionRequest(request: SignedActionRequest): {
  input: ProxyRequest;
  files: Map<string, Blob>;
} {
  const files = new Map<string, Blob>();
  const multipart = request.multipart?.map((field, index): MultipartField => {
    if ('value' in field) return { name: field.name, value: field.value };
    const part = `f${index}`;
    files.set(part, field.file.bytes);
    return {
      name: field.name,
      filename: field.file.filename,
      contentType: field.file.contentType,
      file: part,
      size: field.file.bytes.size,
      ...(field.file.md5 === undefined ? {} : { md5: field.file.md5 }),
    };
  });
  if (request.raw) files.set('raw', request.raw.bytes);
  const input: ProxyRequest = {
    method: request.method,
    url: request.url,
    ...(request.query ? { query: request.query.map(([n, v]) => [n, v] as [string, string]) } : {}),
    ...(request.form ? { form: request.form.map(([n, v]) => [n, v] as [string, string]) } : {}),
    ...(request.json === undefined ? {} : { json: request.json }),
    ...(multipart ? { multipart } : {}),
    ...(request.raw
      ? {
          raw: {
            contentType: request.raw.contentType,
            file: 'raw',
            size: request.raw.bytes.size,
            ...(request.raw.md5 === undefined ? {} : { md5: request.raw.md5 }),
          },
        }
      : {}),
    ...(request.headers ? { headers: { ...request.headers } } : {}),
  };
  return { input, files };
}
