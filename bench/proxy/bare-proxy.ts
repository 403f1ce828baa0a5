/**
 * The yardstick for bench:proxy: the thinnest proxy Node can be (node:http in,
 * undici out, keep-alive both ways) with no checks at all: no proof, no store,
 * no vault, no signing, no validation. What it keeps of the direct throughput
 * bounds what any proxy in Node can keep on this machine.
 */
import { createServer } from 'node:http';
import { Agent, request } from 'undici';

const upstream = `http://127.0.0.1:${process.env.UPSTREAM_PORT}/1.1/statuses/home_timeline.json?count=5`;
const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
const server = createServer(async (incoming, outgoing) => {
  for await (const _ of incoming); // the request body, unread
  const answer = await request(upstream, { dispatcher, headers: { authorization: 'OAuth bare' } });
  const body = await answer.body.text();
  outgoing.writeHead(200, { 'content-type': 'application/json' });
  outgoing.end(JSON.stringify({ status: answer.statusCode, body }));
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
