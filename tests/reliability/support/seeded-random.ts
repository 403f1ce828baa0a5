import { randomInt } from 'node:crypto';

/** RELIABILITY_SEED, or a new one: printed by each run so that a failure can be run again alike. */
export function seedFromEnvironment(): number {
  const given = process.env.RELIABILITY_SEED;
  return given === undefined ? randomInt(2 ** 31) : Number(given);
}

/** Numbers in [0, 1) from `seed` (mulberry32): the same seed, the same moments. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
