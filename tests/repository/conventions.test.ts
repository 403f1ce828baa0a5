/**
 * The boundaries between folders, pinned (docs/architecture.md, "Components and
 * folders"): no cycles between lib/ folders (nor between modules), each lib/
 * folder imports only the folders and packages its row allows, lib/oauth1
 * imports nothing outside itself, entrypoints only wire, and components import
 * lib/ types and lib/messaging only, with each exception named and justified.
 * Type-only imports count for cycles and folder rows (a type cycle is still a
 * knot to read), not for what components may import (types leave no code).
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { findCycle, type Graph, type Import, importsOf, sourceFiles } from '../support/import-graph';

const root = fileURLToPath(new URL('../../', import.meta.url));
const lib = sourceFiles(root, 'lib');
const components = sourceFiles(root, 'components');
const entrypoints = sourceFiles(root, 'entrypoints');

/** `lib/flows/flow-engine.ts` → `lib/flows`; anything else → its first folder. */
const folderOf = (file: string) =>
  file
    .split('/')
    .slice(0, file.startsWith('lib/') ? 2 : 1)
    .join('/');

/**
 * What each lib/ folder may import, besides itself: other lib/ folders and
 * packages (a package's subpath counts as the package). The order is the
 * layering, bottom up; docs/architecture.md's "may import" column says the same.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  'lib/oauth1': [],
  'lib/protocol': ['zod'],
  'lib/errors': ['lib/protocol'],
  'lib/storage': ['lib/errors', 'idb-keyval'],
  'lib/settings': ['lib/storage', 'idb-keyval'],
  'lib/companion-client': ['lib/errors', 'lib/protocol', 'jose', 'zod'],
  // zod (zod/mini): the content scripts' parameter schemas, content-params.ts, which only the background imports.
  'lib/messaging': ['lib/errors', 'lib/oauth1', 'lib/protocol', 'webextension-polyfill', 'zod'],
  'lib/content': ['lib/messaging'],
  'lib/activity': ['lib/messaging', 'lib/storage', 'idb-keyval'],
  'lib/consent': [
    'lib/activity',
    'lib/companion-client',
    'lib/errors',
    'lib/messaging',
    'lib/oauth1',
    'lib/protocol',
    'lib/storage',
    'idb-keyval',
  ],
  'lib/flows': [
    'lib/activity',
    'lib/companion-client',
    'lib/consent',
    'lib/errors',
    'lib/protocol',
    'lib/storage',
    'idb-keyval',
  ],
  'lib/accounts': [
    'lib/companion-client',
    'lib/consent',
    'lib/errors',
    'lib/flows',
    'lib/protocol',
    'lib/storage',
    'idb-keyval',
  ],
  'lib/background': [
    'lib/accounts',
    'lib/activity',
    'lib/companion-client',
    'lib/consent',
    'lib/errors',
    'lib/flows',
    'lib/messaging',
    'lib/protocol',
    'lib/settings',
    'lib/storage',
    'webextension-polyfill',
    'zod',
  ],
};

/**
 * Components may import lib/ types from anywhere, and code from lib/messaging
 * only (they talk to the background). These imports of code are the exceptions.
 */
const COMPONENT_CODE_EXCEPTIONS: Readonly<Record<string, string>> = {
  'components/popup.tsx → lib/flows/popup-state.ts':
    'the popup reads IndexedDB itself for its first paint and on each announced change, with no round trip',
  'components/popup.tsx → lib/storage/registry.ts': 'the store handle for that read (extensionStore)',
  'components/popup.tsx → lib/storage/state-changes.ts': 'onStateChange: the popup reloads when the background says',
  'components/options.tsx → lib/settings/extension-settings.ts':
    'the companion URL is checked in the page before the browser is asked for its host permission',
};

/** Packages the pages and entrypoints may use. */
const UI_PACKAGES = ['preact', 'webextension-polyfill', 'wxt'];

/** Entrypoints whose define*() function decides something, and why that stays there. */
const ENTRYPOINT_BRANCH_EXCEPTIONS: Readonly<Record<string, string>> = {
  'entrypoints/demo.content.ts':
    'match patterns cannot name a port (Firefox): the script itself checks it is on the dev provider',
};

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] as string);

const importsByFile = new Map<string, Import[]>(
  [...lib, ...components, ...entrypoints].map((file) => [file, importsOf(root, file)]),
);

/** The lib/ folder graph, type-only imports included. */
function folderGraph(): Graph {
  const graph = new Map<string, Set<string>>();
  for (const file of lib) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const { target } of importsByFile.get(file) ?? []) {
      if (target && folderOf(target) !== from) edges.add(folderOf(target));
    }
  }
  return graph;
}

function moduleGraph(): Graph {
  return new Map(
    [...importsByFile].map(([file, imports]) => [
      file,
      new Set(imports.flatMap(({ target }) => (target ? [target] : []))),
    ]),
  );
}

describe('the cycle finder', () => {
  it('reports a cycle in a synthetic graph, and none once it is broken', () => {
    const graph = new Map([
      ['lib/a', new Set(['lib/b'])],
      ['lib/b', new Set(['lib/c'])],
      ['lib/c', new Set(['lib/a', 'lib/d'])],
      ['lib/d', new Set<string>()],
    ]);
    expect(findCycle(graph)).toEqual(['lib/a', 'lib/b', 'lib/c', 'lib/a']);
    graph.set('lib/c', new Set(['lib/d']));
    expect(findCycle(graph)).toBeNull();
  });

  it('reports a self-loop and a cycle reached from outside it', () => {
    expect(findCycle(new Map([['x', new Set(['x'])]]))).toEqual(['x', 'x']);
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['b'])],
    ]);
    expect(findCycle(graph)).toEqual(['b', 'c', 'b']);
  });

  it('reads type-only imports apart from code imports', () => {
    const imports = importsOf(root, 'components/background-messages.ts');
    expect(imports.find((i) => i.specifier.endsWith('/page-channel'))).toMatchObject({ typeOnly: false });
    expect(imports.find((i) => i.specifier.endsWith('/page-protocol'))).toMatchObject({
      typeOnly: true,
      target: 'lib/background/page-protocol.ts',
    });
  });
});

describe('lib/ has no cycles', () => {
  it('has folders and files to check', () => {
    expect(folderGraph().size).toBeGreaterThan(10);
    expect(lib.length).toBeGreaterThan(50);
  });

  it('between folders', () => {
    expect(findCycle(folderGraph())).toBeNull();
  });

  it('between modules (lib/, components/, entrypoints/)', () => {
    expect(findCycle(moduleGraph())).toBeNull();
  });
});

describe('each lib/ folder imports only what its row allows', () => {
  it('every lib/ folder has a row', () => {
    expect([...folderGraph().keys()].filter((folder) => !(folder in MAY_IMPORT))).toEqual([]);
  });

  it.each(lib)('%s', (file) => {
    const allowed = new Set([folderOf(file), ...(MAY_IMPORT[folderOf(file)] ?? [])]);
    const outside = (importsByFile.get(file) ?? [])
      .map(({ target, specifier }) => (target ? folderOf(target) : packageOf(specifier)))
      .filter((where) => !allowed.has(where));
    expect(outside).toEqual([]);
  });

  it('lib/oauth1 imports nothing outside its folder, not even a package', () => {
    expect(MAY_IMPORT['lib/oauth1']).toEqual([]);
    const outside = lib
      .filter((file) => file.startsWith('lib/oauth1/'))
      .flatMap((file) => (importsByFile.get(file) ?? []).map((i) => `${file} → ${i.target ?? i.specifier}`))
      .filter((edge) => !edge.split(' → ')[1]?.startsWith('lib/oauth1/'));
    expect(outside).toEqual([]);
  });

  it('lib/ never imports the pages, the entrypoints or the companion', () => {
    const upward = lib.flatMap((file) =>
      (importsByFile.get(file) ?? [])
        .filter(({ target }) => target !== null && !target.startsWith('lib/'))
        .map(({ target }) => `${file} → ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('the content scripts’ parameter schemas (zod) are the background’s: the popup and content scripts bundle no zod', () => {
    const importers = [...importsByFile]
      .filter(([, imports]) =>
        imports.some(({ target, typeOnly }) => target === 'lib/messaging/content-params.ts' && !typeOnly),
      )
      .map(([file]) => folderOf(file));
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((folder) => folder !== 'lib/consent' && folder !== 'lib/background')).toEqual([]);
  });

  it('the extension imports zod/mini only: zod classic is the companion’s (its route table and OpenAPI document)', () => {
    // The extension's bundles hold what lib/, components/ and entrypoints/ import, less these two.
    const companionOnly = new Set(['lib/protocol/routes.ts', 'lib/protocol/openapi.ts']);
    const classic = [...importsByFile]
      .filter(([file]) => !companionOnly.has(file))
      .flatMap(([file, imports]) =>
        imports
          .filter(({ target, specifier, typeOnly }) =>
            target === null
              ? packageOf(specifier) === 'zod' && specifier !== 'zod/mini' && !typeOnly
              : companionOnly.has(target),
          )
          .map(({ specifier }) => `${file} → ${specifier}`),
      );
    expect(classic).toEqual([]);
  });
});

describe('docs/architecture.md\'s "may import" column says what MAY_IMPORT says', () => {
  const architecture = readFileSync(`${root}docs/architecture.md`, 'utf8');
  const packages = new Set(
    [...Object.values(MAY_IMPORT).flat(), ...UI_PACKAGES].filter((name) => !name.startsWith('lib/')),
  );
  it.each(Object.keys(MAY_IMPORT))('%s', (folder) => {
    const row = architecture.split('\n').find((line) => line.startsWith(`| \`${folder}/\` |`));
    const column = row?.split(' | ').at(-1) ?? '';
    // The folders and packages the column names in backticks; other words in backticks (file names) aside.
    const named = [...column.matchAll(/`([^`]+)`/g)]
      .map((match) => match[1] as string)
      .filter((name) => /^lib\/[a-z0-9-]+$/.test(name) || packages.has(name));
    expect([...new Set(named)].sort()).toEqual([...(MAY_IMPORT[folder] ?? [])].sort());
  });
});

describe('components import lib/ types and lib/messaging only', () => {
  const codeImports = components.flatMap((file) =>
    (importsByFile.get(file) ?? [])
      .filter(({ typeOnly, target }) => !typeOnly && target?.startsWith('lib/'))
      .map(({ target }) => `${file} → ${target}`),
  );

  it('imports of lib/ code outside lib/messaging are named exceptions', () => {
    expect(
      codeImports.filter((edge) => !edge.includes(' → lib/messaging/') && !(edge in COMPONENT_CODE_EXCEPTIONS)),
    ).toEqual([]);
  });

  it('every named exception is still needed (a stale one hides nothing)', () => {
    expect(Object.keys(COMPONENT_CODE_EXCEPTIONS).filter((edge) => !codeImports.includes(edge))).toEqual([]);
  });

  it('packages: preact and the browser API only', () => {
    const packages = components.flatMap((file) =>
      (importsByFile.get(file) ?? []).filter((i) => i.target === null).map((i) => packageOf(i.specifier)),
    );
    expect(packages.filter((name) => !UI_PACKAGES.includes(name))).toEqual([]);
  });
});

describe('entrypoints only wire', () => {
  it('import lib/, components/ and the UI packages only, and nothing imports them', () => {
    const outside = entrypoints.flatMap((file) =>
      (importsByFile.get(file) ?? [])
        .filter(({ target, specifier }) =>
          target === null ? !UI_PACKAGES.includes(packageOf(specifier)) : !/^(lib|components)\//.test(target),
        )
        .map(({ specifier }) => `${file} → ${specifier}`),
    );
    expect(outside).toEqual([]);
    const importers = [...importsByFile].filter(([, imports]) =>
      imports.some(({ target }) => target?.startsWith('entrypoints/')),
    );
    expect(importers.map(([file]) => file)).toEqual([]);
  });

  it.each(entrypoints)('%s declares no function or class, and decides nothing', (file) => {
    const source = ts.createSourceFile(
      file,
      readFileSync(`${root}${file}`, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
      file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    );
    const found: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) found.push(ts.SyntaxKind[node.kind]);
      if (
        !(file in ENTRYPOINT_BRANCH_EXCEPTIONS) &&
        (ts.isIfStatement(node) ||
          ts.isSwitchStatement(node) ||
          ts.isConditionalExpression(node) ||
          ts.isForStatement(node) ||
          ts.isForOfStatement(node) ||
          ts.isWhileStatement(node) ||
          ts.isTryStatement(node))
      ) {
        found.push(
          `${ts.SyntaxKind[node.kind]} at line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`,
        );
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(found).toEqual([]);
  });

  it('the background registers its listeners through lib/ in one call', () => {
    const background = readFileSync(`${root}entrypoints/background.ts`, 'utf8');
    expect(background).toMatch(/defineBackground\(/);
    expect(background.split('\n').length).toBeLessThan(30);
  });
});
