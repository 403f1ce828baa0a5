/**
 * The companion's HTTP API (v1): one source of truth for the server and the
 * extension. The schemas are zod/mini, so the extension bundles no zod classic;
 * the route table and the OpenAPI document (routes.ts, openapi.ts: classic,
 * the companion's alone) are not exported here.
 */
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
