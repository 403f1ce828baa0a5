import { render } from 'preact';
import { Options } from '../../components/options';

render(<Options />, document.getElementById('app') as HTMLElement);
