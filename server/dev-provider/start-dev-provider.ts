import { type ServerType, serve } from '@hono/node-server';
import { createDevProvider, type DevProviderOptions } from './app';

export interface RunningDevProvider {
  readonly url: string;
  readonly devProvider: ReturnType<typeof createDevProvider>;
  close(): Promise<void>;
}

export async function startDevProvider(
  options: DevProviderOptions & { readonly port: number; readonly host: string },
): Promise<RunningDevProvider> {
  const devProvider = createDevProvider(options);
  const server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: devProvider.app.fetch, port: options.port, hostname: options.host }, () =>
      resolve(started),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host}:${port}`,
    devProvider,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
