import { describe, expect, it } from 'vitest';
import { WriteThrottle } from '../../../server/services/write-throttle';

describe('WriteThrottle', () => {
  it('lets a key through once per interval, each key on its own', () => {
    const throttle = new WriteThrottle(60_000);
    expect(throttle.due('install:a', 0)).toBe(true);
    expect(throttle.due('install:a', 59_999)).toBe(false);
    expect(throttle.due('install:b', 59_999)).toBe(true);
    expect(throttle.due('install:a', 60_000)).toBe(true);
  });

  it('forgets everything rather than grow past its limit', () => {
    const throttle = new WriteThrottle(60_000, 2);
    throttle.due('a', 0);
    throttle.due('b', 0);
    expect(throttle.due('c', 0)).toBe(true);
    expect(throttle.due('a', 1)).toBe(true);
  });
});
