/**
 * `npm run docs:api`: writes docs/api.md from the OpenAPI document that
 * GET /openapi.json serves (without its server URL, which is per deployment).
 * tests/server/routes/api-doc.test.ts fails while the file is not what this writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../lib/protocol/openapi';
import { renderApiMarkdown } from './api-markdown';

const target = fileURLToPath(new URL('../docs/api.md', import.meta.url));
writeFileSync(target, renderApiMarkdown(openApiDocument()));
console.log(`wrote ${target}`);
