/**
 * Vitest setup (vitest.config.ts): the extension's words come from
 * browser.i18n, which unit tests do not have, so they read the English
 * messages, as the browsers of the e2e tests do.
 */
import { setMessageSource } from '../../components/i18n';
import { localeSource } from './locale-messages';

setMessageSource(localeSource('en', 'en-US'));
