import { render } from 'preact';
import { localizePage } from '../../components/i18n';
import { Options } from '../../components/options';

localizePage('optionsTitle');

render(<Options />, document.getElementById('app') as HTMLElement);
