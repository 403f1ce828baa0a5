/**
 * PostgreSQL restarted under load: the companion's database server is stopped as a crash
 * would stop it and started again on the same data while proxied calls and connect flows go
 * on. The companion must answer throughout (503 store_unavailable with Retry-After while the
 * database is away, never a 500 or a dropped connection), and serve everyone again once it is back, without being
 * restarted itself. PostgreSQL only: SQLite lives inside the companion's process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInstall, type TestInstall } from '../support/dpop';
import { freshDatabase } from '../support/fresh-database';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server';
import { startRealDevProvider } from '../support/real-companion';
import { buildCompanionBundle } from './support/companion-bundle';
import {
  type Answer,
  answerName,
  type CompanionProcess,
  companionSettings,
  connect,
  isStableCode,
  percentiles,
  proxiedCall,
  residentMegabytes,
  servedWell,
  sleep,
  startCompanionProcess,
  tally,
} from './support/companion-under-test';
import { describeTally, report, verdict } from './support/report';
import type { Scale } from './support/scale';

/** How long PostgreSQL stays down, and how long the load runs before and after. */
const DOWN_MS = 2_000;
const BEFORE_MS = 1_500;
const AFTER_MS = 3_000;
/** Once PostgreSQL is back, the pool may take this long to find its connections broken and make new ones. */
const RECOVERY_GRACE_MS = 1_000;

export function describePostgresRestart(scale: Scale) {
  // A server of its own (the run's shared one serves other files), which cannot be restarted when it is someone else's.
  describe.skipIf(process.env.TEST_DATABASE_URL !== undefined)('PostgreSQL restarted under load', () => {
    let postgres: TestPostgres;
    let real: Awaited<ReturnType<typeof startRealDevProvider>>;
    let bundle: ReturnType<typeof buildCompanionBundle>;
    let companion: CompanionProcess;
    let pid: number | undefined;
    const answers: Answer[] = [];
    /** When PostgreSQL was being stopped, and when it was accepting connections again (performance.now()). */
    let downAt = 0;
    let backAt = 0;
    const checks: [boolean, string][] = [];
    const check = (held: boolean, failure: string) => {
      checks.push([held, failure]);
      return held;
    };
    /** Answers to requests in flight at some moment of the outage (or of the grace after it). */
    const during = () =>
      answers.filter((answer) => answer.at + answer.ms >= downAt && answer.at < backAt + RECOVERY_GRACE_MS);
    const after = () => answers.filter((answer) => answer.at >= backAt + RECOVERY_GRACE_MS);

    beforeAll(async () => {
      postgres = await startTestPostgres();
      real = await startRealDevProvider();
      bundle = buildCompanionBundle();
      companion = await startCompanionProcess(
        companionSettings(await freshDatabase(postgres.url), real.configPath),
        bundle.entry,
      );
      pid = companion.process.pid;
      const users: { install: TestInstall; accountId: string }[] = [];
      for (let i = 0; i < scale.backgroundConcurrency; i++) {
        const install = await makeInstall();
        const outcome = await connect(companion, install);
        if (outcome.accountId) users.push({ install, accountId: outcome.accountId });
      }

      let stopping = false;
      const load = [
        ...users.map(async ({ install, accountId }) => {
          while (!stopping) {
            const answer = await proxiedCall(companion, install, accountId, real.dev.url);
            answers.push(answer);
            // No answer at all is a failure here; not hammering the companion meanwhile keeps the count honest.
            if (answer.status === 0) await sleep(50);
          }
        }),
        // New installs connecting: flows written and completed across the restart.
        (async () => {
          while (!stopping) answers.push(...(await connect(companion, await makeInstall())).answers);
        })(),
      ];
      await sleep(BEFORE_MS);
      downAt = performance.now();
      await (postgres.restart as (downMs: number) => Promise<void>)(DOWN_MS);
      backAt = performance.now();
      await sleep(RECOVERY_GRACE_MS + AFTER_MS);
      stopping = true;
      await Promise.all(load);
    }, 120_000);

    afterAll(() => {
      const outage = during();
      const { p50, p99 } = percentiles(
        after()
          .filter(servedWell)
          .map((answer) => answer.ms),
      );
      report({
        phase: `PostgreSQL restarted under load (down ${DOWN_MS / 1000} s)`,
        database: 'PostgreSQL',
        counts:
          `${answers.length} answers; while down: ${describeTally(tally(outage, (answer) => (servedWell(answer) || answer.status === 201 ? 'served' : `${answer.status} ${answerName(answer)}`)))}; ` +
          `after: ${describeTally(tally(after(), (answer) => (servedWell(answer) || answer.status === 201 ? 'served' : answerName(answer))))}`,
        p50Ms: p50,
        p99Ms: p99,
        rssPeakMb: companion?.process.exitCode === null ? residentMegabytes(pid as number).peak : null,
        serverErrors: answers.filter((answer) => answer.status >= 500).length,
        lost: null,
        duplicated: null,
        verdict: verdict(checks),
      });
      companion?.process.kill('SIGTERM');
      bundle?.remove();
      postgres?.stop();
      return real?.dev.close();
    });

    it('keeps the same companion process running through the restart', () => {
      const alive = companion.process.exitCode === null && companion.process.pid === pid;
      check(alive, `the companion exited (${companion.process.exitCode}): ${companion.output().slice(-500)}`);
      expect(alive).toBe(true);
    });

    it('answers every request while PostgreSQL is away, with a documented problem', () => {
      const outage = during();
      const undocumented = outage.filter(
        (answer) => !servedWell(answer) && answer.status !== 201 && answer.status !== 200 && !isStableCode(answer),
      );
      check(outage.length > 0, 'no request was made while PostgreSQL was down');
      check(undocumented.length === 0, `${undocumented.length} answers while down were no documented problem`);
      // The database being away is the client's to retry (503 store_unavailable), not the companion failing (500).
      const internal = outage.filter((answer) => answer.code === 'internal_error');
      check(internal.length === 0, `${internal.length} answers while down were internal_error, not store_unavailable`);
      expect(outage.length).toBeGreaterThan(0);
      expect(tally(undocumented, answerName)).toEqual({});
      expect(internal.length).toBe(0);
    });

    it('serves every call and flow again once PostgreSQL is back, without a restart of its own', () => {
      const failed = after().filter((answer) => !servedWell(answer) && answer.status !== 201 && answer.status !== 200);
      check(after().length > 0, 'no request after PostgreSQL came back');
      check(
        failed.length === 0,
        `${failed.length} failed after PostgreSQL came back: ${describeTally(tally(failed, answerName))}`,
      );
      expect(after().length).toBeGreaterThan(0);
      expect(tally(failed, answerName)).toEqual({});
    });
  });
}
