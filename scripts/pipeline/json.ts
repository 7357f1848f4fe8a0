/** JSON values as JSON.parse gives them. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Sets an own, enumerable property. Plain assignment would run the `__proto__` setter and change the
 * prototype instead of adding a property named "__proto__", which is a legal JSON Schema property name.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  // Only "__proto__" has a setter on Object.prototype; every other key can be assigned, which keeps the
  // object in V8's fast mode (defineProperty on each key is several times slower, here and in later reads).
  if (key === "__proto__")
    Object.defineProperty(target, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  else target[key] = value;
}

/** Builds an object from entries with `setOwn`, so no key is special. */
export function fromEntries<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of entries) setOwn(out, key, value);
  return out;
}

/** Compares strings by UTF-16 code units: the same order on every machine and locale. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
