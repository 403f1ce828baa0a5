import { describe, expect, it } from 'vitest';
import { logFormat } from '../../server/logging';

describe('the log format (server/logging.ts)', () => {
  it('is JSON in production, whatever LOG_FORMAT says', () => {
    expect(logFormat({ NODE_ENV: 'production' })).toBe('json');
    expect(logFormat({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' })).toBe('json');
  });

  it('is JSON with LOG_FORMAT=json, for log collectors outside production', () => {
    expect(logFormat({ LOG_FORMAT: 'json' })).toBe('json');
    expect(logFormat({ NODE_ENV: 'development', LOG_FORMAT: 'json' })).toBe('json');
  });

  it('is pretty otherwise, pino-pretty being installed with the devDependencies', () => {
    expect(logFormat({})).toBe('pretty');
    expect(logFormat({ NODE_ENV: 'test' })).toBe('pretty');
  });
});
