/**
 * The upstream for bench:upload, as its own process: a provider's upload
 * endpoint (tests/support/upload-stub.ts) that parses each multipart body as
 * it streams in, hashes the file and answers a small JSON receipt, as fast as
 * node:http can.
 */
import { createServer } from 'node:http';
import { uploadStubHandler } from '../../tests/support/upload-stub';

const server = createServer(uploadStubHandler());
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
