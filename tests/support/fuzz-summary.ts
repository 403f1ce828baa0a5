import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Global setup of a run that includes tests/fuzz: each fuzz file leaves its
 * tally in a directory of the run (tests/support/fuzz.ts), and the run ends
 * with one line, the total of generated inputs and findings.
 */
let directory: string | undefined;

export function setup(project: TestProject) {
  directory = mkdtempSync(join(tmpdir(), 'fuzz-tally-'));
  project.provide('fuzzTallyDirectory', directory);
}

export function teardown() {
  if (!directory) return;
  const tallies = readdirSync(directory).flatMap((file) =>
    readFileSync(join(directory as string, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { name: string; inputs: number; findings: number }),
  );
  rmSync(directory, { recursive: true, force: true });
  if (tallies.length === 0) return;
  const inputs = tallies.reduce((sum, t) => sum + t.inputs, 0);
  const findings = tallies.reduce((sum, t) => sum + t.findings, 0);
  console.log(
    `fuzz: ${inputs} generated inputs in ${tallies.length} files (FUZZ_RUNS=${process.env.FUZZ_RUNS || 'default'}), ${findings} findings`,
  );
}
