/**
 * Which life of the companion state this background is in. Work that began
 * before a reset (another companion chosen, the device forgotten) must not
 * write afterwards, or the old companion's accounts and sites would come back
 * into the fresh state. Kept in memory: a background that restarts has no
 * work in flight from before.
 */
let generation = 0;

export function currentGeneration(): number {
  return generation;
}

/**
 * Called synchronously before the reset's IndexedDB transaction is created:
 * a write that checked the generation before this has its transaction queued
 * first, so the reset removes it; any later write sees the new generation.
 */
export function startNewGeneration(): void {
  generation++;
}
