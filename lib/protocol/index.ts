/** The companion's HTTP API (v1): one source of truth for the server and the extension. */
export * from './accounts';
export * from './common';
export * from './error-codes';
export * from './flows';
export * from './health';
export * from './installs';
export * from './problem';
export * from './providers';
export * from './proxy';
export * from './upload-parts';
