import { z } from 'zod';

/** `GET /healthz`: answered after a store ping, so a 200 means the database answers too. */
export const HealthResponse = z
  .object({
    ok: z.literal(true),
    store: z.enum(['sqlite', 'postgres']).describe('The store behind this instance (DATABASE_URL).'),
  })
  .meta({ description: 'This instance and its store answer.' });
export type HealthResponse = z.infer<typeof HealthResponse>;
