/**
 * The upstream for bench:proxy: answers every GET under /1.1/ with a small
 * JSON timeline, as fast as node:http can (or after 20 ms under /1.1/slow/). It checks only that a request is
 * OAuth-signed; verifying signatures is the dev provider's job, not the
 * benchmark's.
 */
import { createServer } from 'node:http';

const body = JSON.stringify([
  { id_str: '1', text: 'Hello Ladies + Gentlemen, a signed OAuth request!', user: { screen_name: 'alice' } },
]);
const server = createServer((request, response) => {
  const signed = (request.headers.authorization ?? '').startsWith('OAuth ');
  const answer = () => {
    response.writeHead(signed ? 200 : 401, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  };
  // Under /1.1/slow/: a provider that takes 20 ms, as real APIs take tens to hundreds.
  if (request.url?.startsWith('/1.1/slow/')) setTimeout(answer, 20);
  else answer();
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
