// The reliability run's load phase at its fast scale, on every npm test (the full run: npm run test:reliability).
import { describeLoad } from '../../reliability/load';
import { SCALES } from '../../reliability/support/scale';

describeLoad(SCALES.fast);
