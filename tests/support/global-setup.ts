import type { TestProject } from 'vitest/node';
import { startTestPostgres, type TestPostgres } from './postgres-server';

let postgres: TestPostgres | undefined;

/** One PostgreSQL server for the whole run; each suite makes its own database in it. */
export async function setup(project: TestProject) {
  postgres = await startTestPostgres();
  project.provide('postgresUrl', postgres.url);
}

export async function teardown() {
  postgres?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
