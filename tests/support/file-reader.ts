/**
 * The browser's FileReader, as far as content scripts use it
 * (`readAsDataURL`), for unit tests: Node has Blob but no FileReader.
 *
 * Each browser's own answer for an empty Blob is kept, since code that slices
 * the base64 out of the data: URL must cope with both: Chromium answers
 * `data:` (no media type, no comma), Firefox `data:application/octet-stream;base64,`
 * (https://github.com/aws/aws-sdk-js-v3/issues/1198,
 * https://github.com/socketio/engine.io-parser/pull/131). Otherwise both answer
 * `data:<the Blob's type, or application/octet-stream>;base64,<bytes>`.
 * The base64 is Node's own, not the code under test's.
 */
export type BrowserName = 'chromium' | 'firefox';

export function fileReaderOf(browser: BrowserName): typeof FileReader {
  class BrowserFileReader {
    /** How many FileReaders were made: a test can tell that no file was read. */
    static made = 0;
    result: string | null = null;
    error: DOMException | null = null;
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;

    constructor() {
      BrowserFileReader.made += 1;
    }

    readAsDataURL(blob: Blob): void {
      blob.arrayBuffer().then(
        (buffer) => {
          const type = blob.type || 'application/octet-stream';
          this.result =
            buffer.byteLength === 0 && browser === 'chromium'
              ? 'data:'
              : `data:${type};base64,${Buffer.from(buffer).toString('base64')}`;
          this.onload?.();
        },
        (error: unknown) => {
          this.error = new DOMException(String(error), 'NotReadableError');
          this.onerror?.();
        },
      );
    }
  }
  return BrowserFileReader as unknown as typeof FileReader;
}

/** How many FileReaders a reader class from fileReaderOf has made. */
export function readersMade(reader: typeof FileReader): number {
  return (reader as unknown as { made: number }).made;
}
