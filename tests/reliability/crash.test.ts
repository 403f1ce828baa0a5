import { describeCrash } from './crash';
import { scaleFromEnvironment } from './support/scale';

describeCrash(scaleFromEnvironment());
