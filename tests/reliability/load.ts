/**
 * Load: many installs connect at once, then proxied calls at a steady concurrency, against
 * the companion as its own process (npm run server's heap flags) and the dev provider, with
 * the rate limits raised. Every flow must end connected or with a documented code, no answer
 * may be a 5xx, no account may be lost or duplicated, and the companion's memory must stay
 * under 150 MB.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeInstall, type TestInstall } from '../support/dpop';
import { startRealDevProvider } from '../support/real-companion';
import { buildCompanionBundle } from './support/companion-bundle';
import {
  type Answer,
  answerName,
  type CompanionProcess,
  type ConnectOutcome,
  companionSettings,
  connect,
  inParallel,
  isStableCode,
  percentiles,
  proxiedCall,
  residentMegabytes,
  send,
  servedWell,
  startCompanionProcess,
  tally,
} from './support/companion-under-test';
import { DATABASES, type DatabaseKind, freshDatabaseUrl, probeDatabase } from './support/databases';
import { describeTally, report, verdict } from './support/report';
import type { Scale } from './support/scale';

/** The bound of issue 13 on the companion's resident set under this load. */
export const RSS_LIMIT_MB = 150;

export function describeLoad(scale: Scale) {
  describe.each(DATABASES)('load on %s', (database) => loadOn(database, scale));
}

function loadOn(database: DatabaseKind, scale: Scale) {
  let real: Awaited<ReturnType<typeof startRealDevProvider>>;
  let bundle: ReturnType<typeof buildCompanionBundle>;
  let companion: CompanionProcess;
  let databaseUrl: string;
  const connected: { install: TestInstall; accountId: string }[] = [];
  let flowRss = 0;

  beforeAll(async () => {
    real = await startRealDevProvider();
    bundle = buildCompanionBundle();
    databaseUrl = await freshDatabaseUrl(database, inject('postgresUrl'));
    companion = await startCompanionProcess(companionSettings(databaseUrl, real.configPath), bundle.entry);
  }, 60_000);

  afterAll(async () => {
    companion?.process.kill('SIGTERM');
    bundle?.remove();
    await real?.dev.close();
  });

  it(`${scale.flows} installs connect at once: each flow connected or a documented code, no 5xx, no account lost or duplicated`, async () => {
    const installs = await Promise.all(Array.from({ length: scale.flows }, () => makeInstall()));
    const started = performance.now();
    const outcomes: ConnectOutcome[] = await Promise.all(
      installs.map((install, i) => connect(companion, install, i % 2 === 0 ? '1001' : '1002')),
    );
    const seconds = (performance.now() - started) / 1000;
    installs.forEach((install, i) => {
      const accountId = outcomes[i]?.accountId;
      if (accountId) connected.push({ install, accountId });
    });

    // Each install that was answered 201 lists exactly that account; the table holds nothing more.
    const listed = await Promise.all(connected.map(({ install }) => send(companion, install, 'GET', '/v1/accounts')));
    const ids = listed.map((answer) => ((answer.json.accounts ?? []) as { id: string }[]).map((account) => account.id));
    const lost = connected.filter((user, i) => !ids[i]?.includes(user.accountId)).length;
    const probe = probeDatabase(databaseUrl);
    const perInstall = await probe.accountsPerInstall();
    const stored = await probe.count('accounts');
    await probe.close();
    const duplicated = [...perInstall.values()].filter((n) => n > 1).length + Math.max(0, stored - connected.length);

    const answers = outcomes.flatMap((outcome) => outcome.answers).concat(listed);
    const serverErrors = answers.filter((answer) => answer.status >= 500).length;
    const unstable = outcomes.filter((outcome) => outcome.last.status !== 201 && !isStableCode(outcome.last));
    flowRss = residentMegabytes(companion.process.pid as number).peak;
    const ends = tally(outcomes, (outcome) => (outcome.last.status === 201 ? 'connected' : answerName(outcome.last)));
    const { p50, p99 } = percentiles(outcomes.map((outcome) => outcome.ms));
    report({
      phase: 'load: connect flows at once',
      database,
      counts: `${scale.flows} flows in ${seconds.toFixed(1)} s: ${describeTally(ends)}`,
      p50Ms: p50,
      p99Ms: p99,
      rssPeakMb: flowRss,
      serverErrors,
      lost,
      duplicated,
      verdict: verdict([
        [serverErrors === 0, `${serverErrors} 5xx`],
        [unstable.length === 0, `${unstable.length} flows ended without a documented code`],
        [lost === 0 && duplicated === 0, 'accounts lost or duplicated'],
        [flowRss < RSS_LIMIT_MB, `RSS ${flowRss} MB`],
      ]),
    });

    expect(unstable.map((outcome) => outcome.last)).toEqual([]);
    expect(serverErrors).toBe(0);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(listed.every((answer) => answer.status === 200)).toBe(true);
    expect(flowRss).toBeLessThan(RSS_LIMIT_MB);
  }, 300_000);

  it(`${scale.calls} proxied calls at concurrency ${scale.callConcurrency}: every one served, no 5xx, memory under ${RSS_LIMIT_MB} MB`, async () => {
    expect(connected.length).toBeGreaterThan(0);
    const answers: Answer[] = [];
    const started = performance.now();
    await inParallel(scale.calls, scale.callConcurrency, async (i) => {
      const user = connected[i % connected.length] as (typeof connected)[number];
      answers.push(await proxiedCall(companion, user.install, user.accountId, real.dev.url));
    });
    const seconds = (performance.now() - started) / 1000;
    const memory = residentMegabytes(companion.process.pid as number);
    const failed = answers.filter((answer) => !servedWell(answer));
    const serverErrors = answers.filter((answer) => answer.status >= 500).length;
    const { p50, p99 } = percentiles(answers.map((answer) => answer.ms));
    report({
      phase: `load: proxied calls, ${scale.callConcurrency} at a time`,
      database,
      counts: `${scale.calls} calls in ${seconds.toFixed(1)} s (${Math.round(scale.calls / seconds)}/s): ${describeTally(tally(answers, (answer) => (servedWell(answer) ? 'served' : answerName(answer))))}`,
      p50Ms: p50,
      p99Ms: p99,
      rssPeakMb: memory.peak,
      serverErrors,
      lost: null,
      duplicated: null,
      verdict: verdict([
        [failed.length === 0, `${failed.length} not served`],
        [memory.peak < RSS_LIMIT_MB, `RSS ${memory.peak} MB`],
      ]),
    });

    expect(tally(failed, answerName)).toEqual({});
    expect(serverErrors).toBe(0);
    expect(memory.peak).toBeLessThan(RSS_LIMIT_MB);
    expect(companion.process.exitCode).toBeNull();
  }, 600_000);
}
