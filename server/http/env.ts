import type { Logger } from 'pino';
import type { ServiceContext } from '../services/context';

/** Hono's per-request variables and bindings for the companion. */
export interface CompanionEnv {
  Variables: {
    /** Set by the DPoP middleware: the install that proved possession of its key. */
    installId: string;
    context: ServiceContext;
    /** The app's logger, for services that must report something besides the request line. */
    logger: Logger;
  };
}
