import { defineContentScript } from 'wxt/utils/define-content-script';
import { attachDemoComposer } from '../lib/content/demo-composer';

/** The dev provider's port (`npm start`, the tests): the demo app lives only there. */
const DEV_PROVIDER_PORT = import.meta.env.WXT_DEV_PROVIDER_PORT ?? '8788';

/**
 * The dev provider's demo app (npm start → http://127.0.0.1:8788/demo). Match
 * patterns cannot name a port (Firefox), so the script checks it: another
 * local app under /demo gets nothing.
 */
export default defineContentScript({
  matches: ['http://127.0.0.1/demo*', 'http://localhost/demo*'],
  main: () => {
    if (location.port === DEV_PROVIDER_PORT) attachDemoComposer(document);
  },
});
