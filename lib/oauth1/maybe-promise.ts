/**
 * Crypto may be synchronous (node:crypto on the server, several times faster)
 * or asynchronous (WebCrypto in browsers). The core is written once for both:
 * it chains with `then`, which stays synchronous when the value is.
 */
export type MaybePromise<T> = T | Promise<T>;

export function then<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
