/**
 * Crypto may be synchronous (node:crypto on the server, several times faster)
 * or asynchronous (WebCrypto in browsers). The core is written once for both:
 * it chains with `chain`, which stays synchronous when the value is.
 *
 * (Not named `then`: a module exporting `then` is a thenable, and a dynamic
 * import of it would never resolve to the module.)
 */
export type MaybePromise<T> = T | Promise<T>;

export function chain<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
