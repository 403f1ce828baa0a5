import { describeLoad } from './load';
import { scaleFromEnvironment } from './support/scale';

describeLoad(scaleFromEnvironment());
