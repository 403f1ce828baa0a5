/**
 * Signatures per second for X's "Creating a signature" example request:
 * this library against oauth-sign, oauth-1.0a and oauth (node-oauth), and
 * against the floor, a bare node:crypto HMAC-SHA1 of the finished base string.
 * Every contender must produce the documented signature before it is timed.
 *
 *   npm run bench:sign
 */
import { createHmac } from 'node:crypto';
import { OAuth as NodeOAuth } from 'oauth';
import OAuth1a from 'oauth-1.0a';
import oauthSign from 'oauth-sign';
import { authorizationHeader, parseAuthorizationHeader, webCrypto } from '../lib/oauth1';
import { nodeOAuthCrypto } from '../server/crypto/node-oauth-crypto';
import { measure, measureAsync } from './support/measure';
import { BenchReport } from './support/report';

// X developer docs, "Creating a signature".
const X = {
  method: 'POST',
  url: 'https://api.x.com/1.1/statuses/update.json?include_entities=true',
  baseUri: 'https://api.x.com/1.1/statuses/update.json',
  status: 'Hello Ladies + Gentlemen, a signed OAuth request!',
  consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
  consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
  tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
  timestamp: '1318622958',
  signature: 'Ls93hJiZbQ3akF3HF3x1Bz8/zU4=',
  baseString:
    'POST&https%3A%2F%2Fapi.x.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
};

const crypto = nodeOAuthCrypto();
const request = { method: X.method, url: X.url, form: [['status', X.status]] as const };
const credentials = {
  consumerKey: X.consumerKey,
  consumerSecret: X.consumerSecret,
  token: X.token,
  tokenSecret: X.tokenSecret,
};
const fixed = { nonce: X.nonce, timestamp: X.timestamp, crypto };

const hmacKey = `${encodeURIComponent(X.consumerSecret)}&${encodeURIComponent(X.tokenSecret)}`;
const floor = () => createHmac('sha1', hmacKey).update(X.baseString).digest('base64');
// The same finished base string through the HMAC our node adapter uses, to
// show how much of the gap to the floor is the HMAC and how much the rest.
const adapterFloor = () => crypto.hmac('SHA-1', hmacKey, X.baseString);

const ours = () => authorizationHeader(request, credentials, fixed);
// The browser path: WebCrypto is asynchronous, so it is timed apart (here, Node's WebCrypto).
const browserCrypto = webCrypto();
const oursWebCrypto = () => authorizationHeader(request, credentials, { ...fixed, crypto: browserCrypto });
const oursFresh = () => authorizationHeader(request, credentials, { crypto });

const oauthSignParams = {
  include_entities: 'true',
  status: X.status,
  oauth_consumer_key: X.consumerKey,
  oauth_nonce: X.nonce,
  oauth_signature_method: 'HMAC-SHA1',
  oauth_timestamp: X.timestamp,
  oauth_token: X.token,
  oauth_version: '1.0',
};
const viaOauthSign = () => oauthSign.hmacsign(X.method, X.baseUri, oauthSignParams, X.consumerSecret, X.tokenSecret);

// The cold path: a different URL on every call (more than the 256 our URL
// analysis keeps), against oauth-sign given the same parameters already split
// out, as its API requires of the caller.
const COLD_URLS = 4096;
const coldRequests = Array.from({ length: COLD_URLS }, (_, i) => ({
  method: X.method,
  url: `${X.url}&cursor=${1_000_000 + i}`,
  form: request.form,
}));
const coldParams = coldRequests.map((_, i) => ({ ...oauthSignParams, cursor: String(1_000_000 + i) }));
let coldIndex = 0;
const oursCold = () => {
  coldIndex = (coldIndex + 1) % COLD_URLS;
  return authorizationHeader(coldRequests[coldIndex] as typeof request, credentials, fixed);
};
const oauthSignCold = () => {
  coldIndex = (coldIndex + 1) % COLD_URLS;
  return oauthSign.hmacsign(
    X.method,
    X.baseUri,
    coldParams[coldIndex] as typeof oauthSignParams,
    X.consumerSecret,
    X.tokenSecret,
  );
};

const oauth1a = new OAuth1a({
  consumer: { key: X.consumerKey, secret: X.consumerSecret },
  signature_method: 'HMAC-SHA1',
  hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
});
// Fixed nonce and timestamp, so the peer is timed on signing, not on Math.random.
oauth1a.getNonce = () => X.nonce;
oauth1a.getTimeStamp = () => Number(X.timestamp);
const viaOauth1a = () =>
  oauth1a.toHeader(
    oauth1a.authorize(
      { url: X.url, method: X.method, data: { status: X.status } },
      { key: X.token, secret: X.tokenSecret },
    ),
  ).Authorization;

const nodeOAuth = new NodeOAuth('', '', X.consumerKey, X.consumerSecret, '1.0', null, 'HMAC-SHA1');
const nodeOAuthInternals = nodeOAuth as unknown as {
  _getNonce: () => string;
  _getTimestamp: () => string;
  _prepareParameters(token: string, secret: string, method: string, url: string, extra: object): string[][];
  _buildAuthorizationHeaders(parameters: string[][]): string;
};
nodeOAuthInternals._getNonce = () => X.nonce;
nodeOAuthInternals._getTimestamp = () => X.timestamp;
const viaNodeOAuth = () =>
  nodeOAuthInternals._buildAuthorizationHeaders(
    nodeOAuthInternals._prepareParameters(X.token, X.tokenSecret, X.method, X.url, { status: X.status }),
  );

function signatureIn(header: string): string | undefined {
  return parseAuthorizationHeader(header).parameters.find(([name]) => name === 'oauth_signature')?.[1];
}

// Correctness gate: nobody is timed on a wrong answer.
const checks: [string, string | undefined][] = [
  ['floor', floor()],
  ['adapter floor', adapterFloor()],
  ['ours', signatureIn(ours())],
  ['ours (WebCrypto)', signatureIn(await oursWebCrypto())],
  ['oauth-sign', viaOauthSign()],
  ['oauth-1.0a', signatureIn(viaOauth1a())],
  ['oauth (node-oauth)', signatureIn(viaNodeOAuth())],
];
for (const [name, signature] of checks) {
  if (signature !== X.signature) throw new Error(`${name} computed ${signature}, expected ${X.signature}`);
}

const results = measure([
  { name: 'floor: node:crypto HMAC-SHA1 of the finished base string', run: floor },
  { name: '(our node adapter’s HMAC-SHA1 of the same string)', run: adapterFloor },
  { name: 'this library: authorizationHeader (node:crypto)', run: ours },
  { name: 'this library, fresh CSPRNG nonce and clock', run: oursFresh },
  { name: 'this library, a new URL on every call', run: oursCold },
  { name: 'oauth-sign 0.9 (signature only)', run: viaOauthSign },
  { name: 'oauth-sign 0.9, a new URL on every call', run: oauthSignCold },
  { name: 'oauth-1.0a 2.2 (authorize + toHeader)', run: viaOauth1a },
  { name: 'oauth 0.10 (node-oauth, header)', run: viaNodeOAuth },
]);

results.push(await measureAsync('this library with WebCrypto (awaited: the extension’s path)', oursWebCrypto));

const byName = (prefix: string) => results.find((r) => r.name.startsWith(prefix)) as (typeof results)[number];
const floorResult = byName('floor');
const oursResult = byName('this library: ');
const peers = results.filter((r) => /^oauth/.test(r.name) && !r.name.includes('new URL'));
const fastestPeer = peers.reduce((a, b) => (a.opsPerSecond > b.opsPerSecond ? a : b));

const report = new BenchReport('sign');
report.log(`\nSigning X's example request (Node ${process.version}, median of 15 interleaved rounds)\n`);
report.log('| contender | µs per signature | signatures/s | ours is × faster | × floor time |');
report.log('|---|---:|---:|---:|---:|');
for (const r of results) {
  const speedup = r.nanosecondsPerOp / oursResult.nanosecondsPerOp;
  const overFloor = r.nanosecondsPerOp / floorResult.nanosecondsPerOp;
  report.log(
    `| ${r.name} | ${(r.nanosecondsPerOp / 1000).toFixed(2)} | ${Math.round(r.opsPerSecond).toLocaleString('en-US')} | ${speedup.toFixed(2)} | ${overFloor.toFixed(2)} |`,
  );
}
const vsPeer = oursResult.opsPerSecond / fastestPeer.opsPerSecond;
const vsFloor = oursResult.nanosecondsPerOp / floorResult.nanosecondsPerOp;
report.log('');
report.target(
  { label: 'signing: throughput vs fastest peer', value: vsPeer, target: 2, goal: 'at least', unit: 'x' },
  `throughput vs fastest peer (${fastestPeer.name}): ${vsPeer.toFixed(2)}x`,
);
report.target(
  { label: 'signing: time vs floor', value: vsFloor, target: 2.5, goal: 'at most', unit: 'x' },
  `time vs floor: ${vsFloor.toFixed(2)}x`,
);
const cold = byName('this library, a new URL');
const coldPeer = byName('oauth-sign 0.9, a new URL');
report.log(
  `a new URL on every call: ${(coldPeer.nanosecondsPerOp / cold.nanosecondsPerOp).toFixed(2)}x oauth-sign's throughput`,
);
report.save();
