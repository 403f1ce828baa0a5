/** oauth-sign ships no types; only what the benchmark and differential tests call. */
declare module 'oauth-sign' {
  type Params = Record<string, string | string[]>;
  export function hmacsign(
    method: string,
    baseUri: string,
    params: Params,
    consumerSecret: string,
    tokenSecret?: string,
  ): string;
  export function hmacsign256(
    method: string,
    baseUri: string,
    params: Params,
    consumerSecret: string,
    tokenSecret?: string,
  ): string;
  export function rsasign(
    method: string,
    baseUri: string,
    params: Params,
    privateKey: string,
    tokenSecret?: string,
  ): string;
  export function plaintext(consumerSecret: string, tokenSecret?: string): string;
  export function generateBase(method: string, baseUri: string, params: Params): string;
  export function rfc3986(text: string): string;
  const oauthSign: {
    hmacsign: typeof hmacsign;
    hmacsign256: typeof hmacsign256;
    rsasign: typeof rsasign;
    plaintext: typeof plaintext;
    generateBase: typeof generateBase;
    rfc3986: typeof rfc3986;
  };
  export default oauthSign;
}
