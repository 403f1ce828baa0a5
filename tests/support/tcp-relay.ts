import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpRelay {
  /** The loopback port the relay listens on. */
  readonly port: number;
  /** The network goes down: every relayed connection is cut, and new ones are refused. */
  cut(): Promise<void>;
}

/**
 * A loopback TCP relay to `target` (e.g. a PostgreSQL server), which the test
 * can cut: what a database host that goes away looks like to its clients
 * (connections reset, then refused), without stopping a server others share.
 */
export function startTcpRelay(target: { host: string; port: number }): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        cut: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
