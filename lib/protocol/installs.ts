import * as z from 'zod/mini';

/** `DELETE /v1/installs/me`: "Forget this device". */
export const ForgetInstallResponse = z
  .object({
    accountsRevoked: z
      .int()
      .check(
        z.minimum(0),
        z.describe('The accounts the install had, each offered to its provider for invalidation whatever it answered.'),
      ),
  })
  .check(z.meta({ description: 'The install is gone, with all its flows and accounts.' }));
export type ForgetInstallResponse = z.infer<typeof ForgetInstallResponse>;
