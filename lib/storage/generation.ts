import { ExtensionError } from '../errors/extension-error';

/**
 * Which life of the stored state this background is in. Work that began
 * before a reset (another companion chosen, the device forgotten) must not
 * write afterwards, or the old companion's accounts and sites would come back
 * into the fresh state. One counter per reset, kept in memory: a background
 * that restarts has no work in flight from before.
 */

/** The resets: another companion chosen in the options, or "Forget this device" (registry.ts says what each clears). */
export type Reset = 'companion' | 'device';

const resets: Record<Reset, number> = { companion: 0, device: 0 };
const ALL_RESETS: readonly Reset[] = ['companion', 'device'];

/**
 * Work's view of the resets since it began (beginWork). Every store handle
 * carries one (registry.ts's GuardedStore), so every write is checked against
 * it; the flow engine and the signed-action pipeline also ask it before acting.
 */
export interface ResetGuard {
  /** No reset of any kind since the work began: the companion state it read is still the state. */
  current(): boolean;
  /** None of these resets since the work began: a key only they clear may still be written. */
  unchangedBy(which: readonly Reset[]): boolean;
  /** @throws ExtensionError `companion_changed` unless current() */
  assertCurrent(): void;
}

/** A guard for work beginning now. */
export function beginWork(): ResetGuard {
  const began = { ...resets };
  const unchangedBy = (which: readonly Reset[]) => which.every((reset) => resets[reset] === began[reset]);
  return {
    current: () => unchangedBy(ALL_RESETS),
    unchangedBy,
    assertCurrent: () => {
      if (!unchangedBy(ALL_RESETS)) throw companionChanged();
    },
  };
}

/**
 * Called synchronously before the reset's IndexedDB transaction is created
 * (wipe.ts): a write checked before this has its transaction queued first, so
 * the reset removes it; any later write sees the new count and is dropped.
 */
export function startNewGeneration(reset: Reset): void {
  resets[reset]++;
}

/** Work that began before a reset, stopped before it could write (`companion_changed`): the user may simply try again. */
export function companionChanged(): ExtensionError {
  return new ExtensionError(
    'companion_changed',
    'the companion was changed or this device forgotten meanwhile; nothing was kept, try again',
  );
}
