/** `$ref`s of the OpenAPI document: where they point, and schemas with them replaced by what they point at. */
import type { JsonSchema, OpenApiDocument } from '../../lib/protocol/openapi';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a local reference (`#/components/schemas/Id`) points at in `document`; undefined when nothing. */
export function pointerTarget(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = isRecord(node) && Object.hasOwn(node, part) ? node[part] : undefined;
  }
  return node;
}

/** Every `$ref` value anywhere in `value`, with the JSON path it sits at. */
export function refsIn(value: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => refsIn(item, `${at}/${index}`));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [{ at, ref: inner }] : refsIn(inner, `${at}/${key}`),
  );
}

/**
 * `schema` with every local `$ref` replaced by its target, as a validator
 * that reads one schema at a time needs it.
 * @throws Error for a reference that points nowhere
 */
export function resolveRefs(schema: JsonSchema, document: OpenApiDocument): JsonSchema {
  const resolved = resolveValue(schema, document);
  if (!isRecord(resolved)) throw new Error('a schema resolved to something other than a schema');
  return resolved;
}

function resolveValue(value: unknown, document: OpenApiDocument): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, document));
  if (!isRecord(value)) return value;
  if (typeof value.$ref === 'string') {
    const target = pointerTarget(document, value.$ref);
    if (target === undefined) throw new Error(`$ref ${value.$ref} points nowhere`);
    return resolveValue(target, document);
  }
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolveValue(inner, document)]));
}
