/**
 * How big a reliability run is. `full` is issue 13's run (`npm run test:reliability`, which
 * writes docs/reliability.md); `fast` is the same code at a size the unit suite can afford on
 * every `npm test`. RELIABILITY_SCALE picks one for the files under tests/reliability/.
 */
export interface Scale {
  readonly name: 'fast' | 'full';
  /** Installs that each start and complete one connect flow, all at once. */
  readonly flows: number;
  /** Proxied calls after the flows, `callConcurrency` at a time. */
  readonly calls: number;
  readonly callConcurrency: number;
  /** SIGKILLs of the companion under a stream of completes and proxied calls. */
  readonly kills: number;
  /** Workers connecting accounts, and workers making proxied calls, during the kills. */
  readonly crashFlowWorkers: number;
  readonly crashCallWorkers: number;
  /** Proxied calls in flight while the provider faults are tried, and while PostgreSQL restarts. */
  readonly backgroundConcurrency: number;
}

export const SCALES = {
  full: {
    name: 'full',
    flows: 500,
    calls: 10_000,
    callConcurrency: 50,
    kills: 5,
    crashFlowWorkers: 16,
    crashCallWorkers: 8,
    backgroundConcurrency: 20,
  },
  fast: {
    name: 'fast',
    flows: 30,
    calls: 500,
    callConcurrency: 50,
    kills: 1,
    crashFlowWorkers: 4,
    crashCallWorkers: 2,
    backgroundConcurrency: 4,
  },
} as const satisfies Record<string, Scale>;

/** RELIABILITY_SCALE=full|fast (full unless told). */
export function scaleFromEnvironment(): Scale {
  const name = process.env.RELIABILITY_SCALE ?? 'full';
  if (name !== 'full' && name !== 'fast') throw new Error(`RELIABILITY_SCALE must be full or fast, not ${name}`);
  return SCALES[name];
}
