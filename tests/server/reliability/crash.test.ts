// The reliability run's crash phase at its fast scale, on every npm test (the full run: npm run test:reliability).
import { describeCrash } from '../../reliability/crash';
import { SCALES } from '../../reliability/support/scale';

describeCrash(SCALES.fast);
