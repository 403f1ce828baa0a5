// The reliability run's postgres-restart phase at its fast scale, on every npm test (the full run: npm run test:reliability).
import { describePostgresRestart } from '../../reliability/postgres-restart';
import { SCALES } from '../../reliability/support/scale';

describePostgresRestart(SCALES.fast);
