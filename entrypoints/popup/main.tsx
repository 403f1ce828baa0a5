import { render } from 'preact';
import { localizePage } from '../../components/i18n';
import { Popup } from '../../components/popup';

localizePage('extName');

render(<Popup />, document.getElementById('app') as HTMLElement);
