import * as z from 'zod/mini';

/** `GET /healthz`: answered after a store ping, so a 200 means the database answers too. */
export const HealthResponse = z
  .object({
    ok: z.literal(true),
    store: z.enum(['sqlite', 'postgres']).check(z.describe('The store behind this instance (DATABASE_URL).')),
  })
  .check(z.meta({ description: 'This instance and its store answer.' }));
export type HealthResponse = z.infer<typeof HealthResponse>;
