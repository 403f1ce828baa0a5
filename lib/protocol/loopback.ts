/**
 * Whether a URL's host name (as WHATWG URL gives it: lowercase, IPv4 in
 * dotted decimal, IPv6 in brackets and compressed) names this machine:
 * `localhost`, 127.0.0.0/8, `[::1]`, or 127.0.0.0/8 mapped into IPv6
 * (`[::ffff:7f00:1]`). One definition for the extension (which http pages
 * may ask for signed actions) and the companion (whether PUBLIC_URL is
 * published). Pure, so that both can import it.
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  if (/^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname)) return true;
  const octets = /^127\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/.exec(hostname);
  if (octets === null) return false;
  return octets.slice(1).every((octet) => Number(octet) <= 255);
}
