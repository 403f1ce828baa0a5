import { Agent, request } from 'node:http';

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Latencies in milliseconds. */
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
}

export interface PreparedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/**
 * A closed-loop load: `concurrency` workers, each sending its next request
 * when the last one answered, over keep-alive connections, for `seconds`.
 * `next()` builds each request (fresh nonce, fresh proof) outside the timing.
 */
export async function runLoad(
  port: number,
  concurrency: number,
  seconds: number,
  next: () => PreparedRequest,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();

  const one = (prepared: PreparedRequest) =>
    new Promise<number>((resolve) => {
      const sent = performance.now();
      const req = request(
        { agent, host: '127.0.0.1', port, method: prepared.method, path: prepared.path, headers: prepared.headers },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - sent : -1));
        },
      );
      req.on('error', () => resolve(-1));
      req.end(prepared.body);
    });

  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const latency = await one(next());
        if (latency < 0) failures++;
        else latencies.push(latency);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    requests: latencies.length,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    failures,
  };
}
