/**
 * Generated values for the fuzz suite (tests/fuzz): text that breaks parsers
 * and validators, and real inputs mutated field by field (wrong types, huge
 * strings, unicode, control characters, deep nesting, extra and missing
 * fields). Deep nesting travels as a marker that `jsonText` writes out: a
 * value that deep would overflow the stack of whoever walks it first
 * (fast-check's reporter, structuredClone), not of the code under test.
 */
import fc from 'fast-check';

const unicode = ['é', 'ß', '私', '☃', '😀', '👍🏽', '\u00a0', '\u2028', '\ufeff', '\u202e', '\ud800', '\udfff'];
const control = ['\u0000', '\u0001', '\t', '\n', '\r', '\r\n', '\u001b', '\u007f', '\u0085'];
const special = ['"', '\\', '/', '%', '%00', '%2F', '..', '.', '?', '#', '&', '=', '+', ' ', ',', ';', '<', '>', "'"];
const textPiece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...'abcXYZ019-_'.split('')) },
  { weight: 2, arbitrary: fc.constantFrom(...special) },
  { weight: 2, arbitrary: fc.constantFrom(...unicode) },
  { weight: 1, arbitrary: fc.constantFrom(...control) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 2 }) },
);

/** Short text full of what breaks parsers and validators: separators, quotes, escapes, unicode, lone surrogates, controls. */
export const nastyText = fc.array(textPiece, { maxLength: 16 }).map((parts) => parts.join(''));

/** Text past a field's limit (512, 4096, 65,536 characters), or past the 256 KiB body limit. */
export const hugeText = fc
  .tuple(fc.constantFrom(513, 4097, 65_537, 70_000, 300_000), fc.constantFrom('a', 'é', '😀', '\u0000'))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));

const someText = fc.oneof({ weight: 6, arbitrary: nastyText }, { weight: 1, arbitrary: hugeText });

/** JSON text of a value nested `depth` deep: arrays or objects. */
export function nested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A value as JSON text, deep-nesting markers written out. */
export function jsonText(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/"@@deep:(array|object):(\d+)@@"/g, (_, kind, depth) =>
    nested(Number(depth), kind as 'array' | 'object'),
  );
}

/** A value as it arrives parsed (for callers that take values, not text): deep nesting real. */
export function parsedValue(value: unknown): unknown {
  return JSON.parse(jsonText(value));
}

/** A value of another type than a field wants, or one at the edge of its own; `plausible` adds the caller's own. */
export function wrongValue(plausible: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    plausible,
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2, '', [], {}, [[]], {
      '': '',
    }),
    someText,
    fc.jsonValue({ maxDepth: 3 }),
    fc
      .tuple(fc.constantFrom('array', 'object'), fc.constantFrom(50, 500, 5000, 50_000))
      .map(([kind, depth]) => `@@deep:${kind}:${depth}@@`),
  );
}

/** Keys an object may gain: unknown, empty, prototype traps, unicode. */
const extraKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', 'extra', 'Provider', 'method '),
  nastyText,
);

export type Mutation =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: unknown };

/** One change to a value: a member set to a wrong value, deleted, or a member added. */
export function mutationOf(plausible: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation> {
  const value = wrongValue(plausible);
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: extraKey, value }) },
  );
}

/** Sets an own, enumerable member (also `__proto__`, which assignment would not write). */
function setMember(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Every container in a JSON value, with the keys of its members: where a mutation may land. */
function slots(value: unknown, found: { container: Record<string, unknown> | unknown[]; key: string | number }[] = []) {
  if (Array.isArray(value)) {
    value.forEach((member, index) => {
      found.push({ container: value, key: index });
      slots(member, found);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, member] of Object.entries(value)) {
      found.push({ container: value as Record<string, unknown>, key });
      slots(member, found);
    }
  }
  return found;
}

/** A copy of a real input with the mutations applied, field by field (the whole value is a field too). */
export function mutated(template: unknown, mutations: readonly Mutation[]): unknown {
  const root = { value: structuredClone(template) };
  for (const change of mutations) {
    const places = slots(root);
    const place = places[change.at % places.length];
    if (!place) continue;
    // Each value copied: fast-check may hand the same object to two mutations, which would make a cycle.
    const value = change.kind === 'delete' ? undefined : structuredClone(change.value);
    if (change.kind === 'set') setMember(place.container, place.key, value);
    else if (change.kind === 'delete') {
      if (Array.isArray(place.container)) place.container.splice(Number(place.key), 1);
      else delete place.container[place.key];
    } else {
      const target = place.container[place.key as never] as unknown;
      if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
        setMember(target as Record<string, unknown>, change.key, value);
      } else {
        const wrapper = {};
        setMember(wrapper, change.key, value);
        setMember(place.container, place.key, wrapper);
      }
    }
  }
  return root.value;
}
