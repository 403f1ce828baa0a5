import { describePostgresRestart } from './postgres-restart';
import { scaleFromEnvironment } from './support/scale';

describePostgresRestart(scaleFromEnvironment());
