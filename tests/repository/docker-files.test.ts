/**
 * The Docker files, checked statically: no Docker engine runs where the tests run. Each check is a
 * function from file text to a list of problems, so that it is tried on the real files (no
 * problems) and on broken copies (the problem it exists for), and so can be seen to fail.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(`${root}${file}`, 'utf8');

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);

/** A tracked file, or a folder holding one: what a clean clone, the build context, has. */
function inRepository(path: string): boolean {
  const clean = path.replace(/^\.\//, '').replace(/\/+$/, '');
  return tracked.some((file) => file === clean || file.startsWith(`${clean}/`));
}

/** The V8 flags of package.json's `server` script: its node options, less the tsx loader the bundle does not need. */
function serverScriptFlags(packageJson: string): string[] {
  const script: string = JSON.parse(packageJson).scripts.server;
  const words = script.split(/\s+/);
  const flags: string[] = [];
  for (let i = words.indexOf('node') + 1; i < words.length && words[i]?.startsWith('--'); i++) {
    if (words[i] === '--import') i++;
    else flags.push(words[i] as string);
  }
  return flags;
}

// ---- compose.yaml

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const mapping = (value: unknown): Mapping => (isMapping(value) ? value : {});

/** A service's environment as name → value, from either of compose's two forms. */
function environmentOf(service: Mapping): Record<string, string> {
  const environment = service.environment;
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const [name = '', ...value] = String(entry).split('=');
        return [name, value.join('=')];
      }),
    );
  }
  return Object.fromEntries(Object.entries(mapping(environment)).map(([name, value]) => [name, String(value)]));
}

/** A service's volumes as {source, target, readOnly}, from the short (`a:b:ro`) or the long form. */
function volumesOf(service: Mapping): { source: string; target: string; readOnly: boolean }[] {
  const volumes = Array.isArray(service.volumes) ? service.volumes : [];
  return volumes.map((volume) => {
    if (typeof volume === 'string') {
      const [source = '', target = '', options = ''] = volume.split(':');
      return { source, target, readOnly: options.split(',').includes('ro') };
    }
    const long = mapping(volume);
    return { source: String(long.source ?? ''), target: String(long.target ?? ''), readOnly: long.read_only === true };
  });
}

/** What the companion needs from the environment, which must never be silently empty. */
const REQUIRED_VARIABLES = ['PUBLIC_URL', 'VAULT_KEY'];

function composeProblems(text: string): string[] {
  const problems: string[] = [];
  const file = mapping(parse(text));
  const services = mapping(file.services);
  const companion = mapping(services.companion);
  const postgres = mapping(services.postgres);
  if (!isMapping(services.companion)) problems.push('no companion service');
  if (!isMapping(services.postgres)) problems.push('no postgres service');

  if (mapping(mapping(companion.depends_on).postgres).condition !== 'service_healthy') {
    problems.push('companion does not wait for postgres to be healthy');
  }
  if (!isMapping(postgres.healthcheck)) problems.push('postgres has no healthcheck');

  const environment = environmentOf(companion);
  // Placeholders only, to read the URL's host: ${VAR:?message} may hold any text.
  const databaseUrl = (environment.DATABASE_URL ?? '').replace(/\$\{[^}]*\}/g, 'x');
  let databaseHost = '';
  try {
    databaseHost = new URL(databaseUrl).hostname;
  } catch {}
  if (!/^postgres(ql)?:$/.test(databaseUrl.split('//')[0] ?? '') || databaseHost !== 'postgres') {
    problems.push(`DATABASE_URL does not point at the postgres service: ${environment.DATABASE_URL}`);
  }

  for (const name of REQUIRED_VARIABLES) {
    if (!new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`).test(environment[name] ?? '')) {
      problems.push(`${name} is not required with \${${name}:?message}`);
    }
  }
  for (const [name, value] of Object.entries(environment)) {
    for (const [reference] of value.matchAll(/\$\{[^}]*\}/g)) {
      if (!/^\$\{\w+:\?[^}]+\}$/.test(reference)) problems.push(`${name} uses ${reference}, which may be empty`);
    }
  }

  const config = volumesOf(companion).find((volume) => volume.target === environment.COMPANION_CONFIG);
  if (!environment.COMPANION_CONFIG || !config?.readOnly) problems.push('COMPANION_CONFIG is not mounted read-only');

  const namedVolumes = Object.keys(mapping(file.volumes));
  const data = volumesOf(postgres).find((volume) => volume.target === '/var/lib/postgresql/data');
  if (!data || !namedVolumes.includes(data.source)) problems.push('postgres data is not on a named volume');
  return problems;
}

// ---- Dockerfile

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** Instructions grouped by stage (one per FROM), continuation lines joined and comments dropped. */
function dockerfileStages(text: string): Instruction[][] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const stages: Instruction[][] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

/** An instruction's arguments: the JSON array of exec form, or the words of shell form. */
function argumentsOf(args: string): string[] {
  if (args.startsWith('[')) return JSON.parse(args);
  return args.split(/\s+/).filter(Boolean);
}

/** The build-context paths COPY (and ADD) take: not those of `--from` another stage or image. */
function contextSources(stages: Instruction[][]): string[] {
  return stages.flat().flatMap(({ keyword, args }) => {
    if (keyword !== 'COPY' && keyword !== 'ADD') return [];
    const words = args.split(/\s+/);
    if (words.some((word) => word.startsWith('--from'))) return [];
    return argumentsOf(words.filter((word) => !word.startsWith('--')).join(' ')).slice(0, -1);
  });
}

function dockerfileProblems(text: string, flags: readonly string[], exists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  const stages = dockerfileStages(text);
  if (stages.length < 2) problems.push(`${stages.length} FROM stage(s): no multi-stage build`);
  const final = stages.at(-1) ?? [];
  const last = (keyword: string) => final.filter((instruction) => instruction.keyword === keyword).at(-1);

  const user = last('USER')?.args.split(':')[0];
  if (!user || user === 'root' || user === '0') problems.push(`the final stage runs as ${user ?? 'root'}`);
  if (!last('HEALTHCHECK') || /^NONE$/i.test(last('HEALTHCHECK')?.args ?? '')) problems.push('no HEALTHCHECK');

  const cmd = last('CMD');
  const expected = ['node', ...flags, 'dist/server/main.mjs'];
  const actual = cmd ? argumentsOf(cmd.args) : [];
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    problems.push(`CMD is ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`);
  }
  const environment = final.filter(({ keyword }) => keyword === 'ENV').map(({ args }) => args);
  if (!environment.some((args) => /(^|\s)NODE_ENV=production(\s|$)/.test(args))) {
    problems.push('the final stage does not set NODE_ENV=production');
  }
  for (const source of contextSources(stages)) {
    if (!exists(source)) problems.push(`COPY ${source}: not in the repository`);
  }
  return problems;
}

// ---- .dockerignore

/** One .dockerignore line as Docker reads it (moby/patternmatcher): `*`, `?`, `**`, `!` to re-include. */
function ignorePattern(line: string): { regex: RegExp; exclusion: boolean } {
  const exclusion = line.startsWith('!');
  const pattern = (exclusion ? line.slice(1) : line).trim().replace(/^\/+|\/+$/g, '');
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (pattern.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (pattern.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return { regex: new RegExp(`^${source}$`), exclusion };
}

/** Whether the build context leaves `path` out: the last pattern matching it, or a folder above it, decides. */
function ignoredByDocker(path: string, dockerignore: string): boolean {
  const patterns = dockerignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map(ignorePattern);
  const parts = path.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const { regex, exclusion } of patterns) {
    if (candidates.some((candidate) => regex.test(candidate))) ignored = !exclusion;
  }
  return ignored;
}

/** Local state and build output that must never enter the context. */
const NEVER_IN_CONTEXT = [
  'node_modules/x/index.js',
  '.output/chrome-mv3/manifest.json',
  'data/companion.db',
  '.git/HEAD',
];

function dockerignoreProblems(dockerignore: string, sources: readonly string[]): string[] {
  const problems = NEVER_IN_CONTEXT.filter((path) => !ignoredByDocker(path, dockerignore)).map(
    (path) => `.dockerignore lets ${path.split('/')[0]} in`,
  );
  for (const source of sources) {
    const clean = source.replace(/^\.\//, '').replace(/\/+$/, '');
    const file = tracked.find((path) => path === clean || path.startsWith(`${clean}/`)) ?? clean;
    if (ignoredByDocker(file, dockerignore)) problems.push(`.dockerignore leaves out ${file}, which COPY needs`);
  }
  return problems;
}

// ---- the tests

const compose = read('compose.yaml');
const dockerfile = read('Dockerfile');
const dockerignore = read('.dockerignore');
const flags = serverScriptFlags(read('package.json'));

describe('compose.yaml', () => {
  it('runs the companion on a healthy postgres, with its required variables and a named data volume', () => {
    expect(composeProblems(compose)).toEqual([]);
  });

  it('the check catches each mistake', () => {
    const broken = (from: string | RegExp, to: string) => {
      const changed = compose.replace(from, to);
      expect(changed).not.toBe(compose);
      return composeProblems(changed);
    };
    expect(broken(/^ {2}postgres:$/m, '  database:')).toContain('no postgres service');
    expect(broken('condition: service_healthy', 'condition: service_started')).toContain(
      'companion does not wait for postgres to be healthy',
    );
    expect(broken('@postgres:5432', '@localhost:5432')[0]).toMatch(/^DATABASE_URL does not point/);
    // Template literals with \${ spell compose's ${…} without a placeholder.
    expect(broken(/\$\{VAULT_KEY:\?[^}]*\}/, `\${VAULT_KEY}`)).toContain(
      `VAULT_KEY is not required with \${VAULT_KEY:?message}`,
    );
    expect(broken(/\$\{PUBLIC_URL:\?[^}]*\}/, `\${PUBLIC_URL:-https://example.com}`)).toContain(
      `PUBLIC_URL is not required with \${PUBLIC_URL:?message}`,
    );
    expect(broken(/\$\{POSTGRES_PASSWORD:\?[^}]*\}@/, `\${POSTGRES_PASSWORD}@`)).toContain(
      `DATABASE_URL uses \${POSTGRES_PASSWORD}, which may be empty`,
    );
    expect(broken('read_only: true', 'read_only: false')).toContain('COMPANION_CONFIG is not mounted read-only');
    expect(broken('- postgres-data:/var/lib/postgresql/data', '- ./pgdata:/var/lib/postgresql/data')).toContain(
      'postgres data is not on a named volume',
    );
  });
});

describe('Dockerfile', () => {
  it("has a non-root final stage with a health check, running the bundle with `npm run server`'s V8 flags", () => {
    expect(flags.length).toBeGreaterThan(0);
    expect(dockerfileProblems(dockerfile, flags, inRepository)).toEqual([]);
  });

  it('copies only what the repository has, and what .dockerignore lets into the context', () => {
    const sources = contextSources(dockerfileStages(dockerfile));
    expect(sources).toContain('package-lock.json');
    expect(dockerignoreProblems(dockerignore, sources)).toEqual([]);
  });

  it('the checks catch each mistake', () => {
    const broken = (from: string | RegExp, to: string) => {
      const changed = dockerfile.replace(from, to);
      expect(changed).not.toBe(dockerfile);
      return dockerfileProblems(changed, flags, inRepository);
    };
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(dockerfileProblems(finalStage, flags, inRepository)).toContain('1 FROM stage(s): no multi-stage build');
    expect(broken(/^USER node$/m, 'USER root')).toContain('the final stage runs as root');
    expect(broken(/^USER node\n/m, '')).toContain('the final stage runs as root');
    expect(broken(/^HEALTHCHECK /m, '# HEALTHCHECK ')).toContain('no HEALTHCHECK');
    expect(broken('"--max-semi-space-size=8", ', '')[0]).toMatch(/^CMD is /);
    expect(dockerfileProblems(dockerfile, [...flags, '--stack-size=2000'], inRepository)[0]).toMatch(/^CMD is /);
    expect(broken('NODE_ENV=production', 'NODE_ENV=development')).toContain(
      'the final stage does not set NODE_ENV=production',
    );
    expect(broken('COPY server ./server', 'COPY server ./server\nCOPY shared/vectors ./vectors')).toContain(
      'COPY shared/vectors: not in the repository',
    );
    expect(broken('COPY --from=build', 'COPY --from=elsewhere')).toEqual([]);

    expect(dockerignoreProblems('node_modules\n.output\ndata\n', [])).toEqual(['.dockerignore lets .git in']);
    expect(dockerignoreProblems(dockerignore.replace('!server', ''), ['server'])[0]).toMatch(
      /^\.dockerignore leaves out server\//,
    );
  });

  it('reads .dockerignore as Docker does', () => {
    expect(ignoredByDocker('server/main.ts', '*\n!server')).toBe(false);
    expect(ignoredByDocker('server/node_modules/x.js', '*\n!server\n**/node_modules')).toBe(true);
    expect(ignoredByDocker('a/b/data/x.db', '**/data')).toBe(true);
    expect(ignoredByDocker('database.ts', 'data')).toBe(false);
    expect(ignoredByDocker('x.env', '*.env\n!x.env')).toBe(false);
  });
});
