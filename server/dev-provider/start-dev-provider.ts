import { listen } from '../listen';
import { createDevProvider, type DevProviderOptions } from './app';

export interface RunningDevProvider {
  readonly url: string;
  readonly devProvider: ReturnType<typeof createDevProvider>;
  close(): Promise<void>;
}

/**
 * Serves a dev provider on `host`:`port` (0: any free port).
 * @throws ListenError when that port or host cannot be listened on (DEV_PROVIDER_PORT / DEV_PROVIDER_HOST)
 */
export async function startDevProvider(
  options: DevProviderOptions & { readonly port: number; readonly host: string },
): Promise<RunningDevProvider> {
  const devProvider = createDevProvider(options);
  const server = await listen(devProvider.app.fetch, {
    who: 'the dev provider',
    port: options.port,
    host: options.host,
    portVariable: 'DEV_PROVIDER_PORT',
    hostVariable: 'DEV_PROVIDER_HOST',
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host}:${port}`,
    devProvider,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
