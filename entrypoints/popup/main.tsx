import { render } from 'preact';
import { Popup } from '../../components/popup';

render(<Popup />, document.getElementById('app') as HTMLElement);
