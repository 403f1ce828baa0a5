import { ExtensionError } from '../errors/extension-error';

/**
 * Which life of the companion state this background is in. Work that began
 * before a reset (another companion chosen, the device forgotten) must not
 * write afterwards, or the old companion's accounts and sites would come back
 * into the fresh state. Kept in memory: a background that restarts has no
 * work in flight from before.
 */
let generation = 0;
/** Bumped only by "Forget this device", which also wipes the activity log. */
let deviceGeneration = 0;

export function currentGeneration(): number {
  return generation;
}

/**
 * Called synchronously before the reset's IndexedDB transaction is created:
 * a write that checked the generation before this has its transaction queued
 * first, so the reset removes it; any later write sees the new generation.
 */
export function startNewGeneration(scope: 'companion' | 'device'): void {
  generation++;
  if (scope === 'device') deviceGeneration++;
}

/** The activity log outlives a change of companion (it is the user's record), not a wiped device. */
export function currentDeviceGeneration(): number {
  return deviceGeneration;
}

/** Work that began before a reset, stopped before it could write (`companion_changed`): the user may simply try again. */
export function companionChanged(): ExtensionError {
  return new ExtensionError(
    'companion_changed',
    'the companion was changed or this device forgotten meanwhile; nothing was kept, try again',
  );
}

/** Whether work that began in generation `began` may still write. */
export function stillCurrent(began: number): boolean {
  return began === generation;
}
