import { render } from 'preact';
import { Consent } from '../../components/consent';

render(
  <Consent questionId={new URLSearchParams(location.search).get('question') ?? ''} />,
  document.getElementById('app') as HTMLElement,
);
