import { describeProviderFaults } from './provider-faults';
import { scaleFromEnvironment } from './support/scale';

describeProviderFaults(scaleFromEnvironment());
