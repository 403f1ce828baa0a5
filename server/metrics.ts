import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AnswerBudget } from './upstream/answer-budget';

/** The companion's Prometheus metrics, in a registry of their own (one per app, so tests stay apart). */
export function createMetrics(answerBudget?: AnswerBudget) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'companion_http_requests_total',
    help: 'HTTP requests answered, by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'companion_http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames: ['route', 'method'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15],
    registers: [registry],
  });
  const problems = new Counter({
    name: 'companion_problems_total',
    help: 'Problem answers, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  if (answerBudget) {
    new Gauge({
      name: 'companion_answer_budget_bytes',
      help: 'Bytes of provider answers held by calls in flight, against ANSWER_BUDGET_MB',
      registers: [registry],
      collect() {
        this.set(answerBudget.inUse);
      },
    });
    new Gauge({
      name: 'companion_answer_budget_capacity_bytes',
      help: 'ANSWER_BUDGET_MB in bytes: past it, proxied calls are answered companion_busy',
      registers: [registry],
    }).set(answerBudget.capacityBytes);
  }
  return { registry, requests, duration, problems };
}

export type Metrics = ReturnType<typeof createMetrics>;
