import { defineBackground } from 'wxt/utils/define-background';
import { registerBackgroundListeners } from '../lib/background/listeners';

// Wiring only: the listeners (registered synchronously at start-up, so that the
// event that woke a stopped worker is not missed) and what they do are in lib/.
export default defineBackground(() => registerBackgroundListeners());
