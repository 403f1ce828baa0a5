// The reliability run's provider-faults phase at its fast scale, on every npm test (the full run: npm run test:reliability).
import { describeProviderFaults } from '../../reliability/provider-faults';
import { SCALES } from '../../reliability/support/scale';

describeProviderFaults(SCALES.fast);
