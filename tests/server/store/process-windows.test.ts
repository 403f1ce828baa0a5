import { describe, expect, it } from 'vitest';
import { ProcessWindows } from '../../../server/store/process-windows';

const NOW = 1_700_000_000_000;

describe('ProcessWindows: the SQLite store’s rate windows, in its memory', () => {
  it('counts hits in fixed windows, a window that has ended starting again at one', () => {
    const windows = new ProcessWindows();
    expect(windows.hit('a', 1000, NOW)).toEqual({ count: 1, resetAt: NOW + 1000 });
    expect(windows.hit('a', 1000, NOW + 999)).toEqual({ count: 2, resetAt: NOW + 1000 });
    expect(windows.hit('b', 1000, NOW + 10)).toEqual({ count: 1, resetAt: NOW + 1010 });
    expect(windows.hit('a', 1000, NOW + 1000)).toEqual({ count: 1, resetAt: NOW + 2000 });
  });

  it('answers a copy: what a caller does with it does not count', () => {
    const windows = new ProcessWindows();
    const first = windows.hit('a', 1000, NOW);
    (first as { count: number }).count = 100;
    expect(windows.hit('a', 1000, NOW)).toEqual({ count: 2, resetAt: NOW + 1000 });
  });

  it('drops ended windows as new ones start, so fresh keys do not pile up', () => {
    const windows = new ProcessWindows();
    for (let i = 0; i < 1000; i++) windows.hit(`fresh:${i}`, 1000, NOW + i);
    expect(windows.size).toBe(1000);
    // A second later, each new window finds the oldest ones ended.
    for (let i = 0; i < 1000; i++) windows.hit(`later:${i}`, 1000, NOW + 2000 + i);
    expect(windows.size).toBe(1000);
  });

  it('keeps at most its limit, the oldest going first, and counts a dropped key again from one', () => {
    const windows = new ProcessWindows(3);
    for (const key of ['a', 'b', 'c']) windows.hit(key, 60_000, NOW);
    windows.hit('d', 60_000, NOW);
    expect(windows.size).toBe(3);
    expect(windows.hit('b', 60_000, NOW)).toEqual({ count: 2, resetAt: NOW + 60_000 });
    expect(windows.hit('a', 60_000, NOW)).toEqual({ count: 1, resetAt: NOW + 60_000 });
  });

  it('sweeps the windows that ended, whatever their order', () => {
    const windows = new ProcessWindows();
    windows.hit('long', 60_000, NOW);
    windows.hit('short', 1000, NOW);
    windows.sweep(NOW + 1001);
    expect(windows.size).toBe(1);
    expect(windows.hit('long', 60_000, NOW + 1001)).toEqual({ count: 2, resetAt: NOW + 60_000 });
  });
});
