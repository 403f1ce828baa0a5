import { render } from 'preact';
import { Consent } from '../../components/consent';
import { localizePage } from '../../components/i18n';

localizePage('consentTitle');

render(
  <Consent questionId={new URLSearchParams(location.search).get('question') ?? ''} />,
  document.getElementById('app') as HTMLElement,
);
