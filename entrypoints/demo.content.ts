import { defineContentScript } from 'wxt/utils/define-content-script';
import { attachDemoComposer } from '../lib/content/demo-composer';

/** The dev provider's demo app (npm start → http://127.0.0.1:8788/demo); patterns without a port match any. */
export default defineContentScript({
  matches: ['http://127.0.0.1/demo*', 'http://localhost/demo*'],
  main: () => attachDemoComposer(document),
});
