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

/**
 * The JSON text a value was parsed from (parseJson()), for values that nothing changes afterwards, as every
 * value of the pipeline is: JSON.stringify(JSON.parse(text)) is `text` when `text` is JSON.stringify's own
 * output, so jsonText() can hand it back instead of writing it again.
 */
const TEXTS = new WeakMap<object, string>();

/** JSON.parse of `text`, which must be JSON.stringify's output for a value (prepare.ts, from the cache). */
export function parseJson<T extends Json>(text: string): T {
  const value = JSON.parse(text) as T;
  if (typeof value === "object" && value !== null) TEXTS.set(value, text);
  return value;
}

/** JSON.stringify(value), remembered for jsonText(). */
export function writeJson(value: Json): string {
  const text = JSON.stringify(value);
  if (typeof value === "object" && value !== null) TEXTS.set(value, text);
  return text;
}

/** JSON.stringify(value), taken from where parseJson() read it or writeJson() wrote it, if one did. */
export function jsonText(value: Json): string {
  return (typeof value === "object" && value !== null && TEXTS.get(value)) || JSON.stringify(value);
}

/** Objects one of whose keys holds JSON not parsed yet (lazyJson()). */
const PENDING = new WeakMap<object, { key: string; text: () => string }>();

/**
 * Says that `target[key]` is, until pending() is told otherwise, the value of the JSON text that `text()` gives
 * (JSON.stringify's output), not parsed yet; jsonTextAt() then hands the text out unparsed. For what the cache
 * kept (prepare.ts): a warm run reads little of it.
 */
function pendingText(target: object, key: string, text: () => string): void {
  PENDING.set(target, { key, text });
}

/** The value `target[key]` holds, parsed from its pending text; from then on it is not pending. */
function settleText(target: object): Json {
  const pending = PENDING.get(target)!;
  PENDING.delete(target);
  return parseJson(pending.text());
}

/**
 * Defines `target[key]` as the value of the JSON text that `text()` gives, parsed when first read; from then
 * on a plain property (enumerable, as JSON values are).
 */
export function lazyJson(target: object, key: string, text: () => string): void {
  pendingText(target, key, text);
  const settle = (value: unknown) => {
    PENDING.delete(target);
    Object.defineProperty(target, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  };
  Object.defineProperty(target, key, {
    get() {
      const value = settleText(target);
      settle(value);
      return value;
    },
    set: settle,
    enumerable: true,
    configurable: true,
  });
}

/** JSON.stringify(target[key]), without parsing it when its text is still pending. */
export function jsonTextAt(target: object, key: string): string {
  const pending = PENDING.get(target);
  return pending !== undefined && pending.key === key
    ? pending.text()
    : jsonText((target as Record<string, Json>)[key]!);
}

/** Whether `target[key]` is still pending (reading it would parse it). */
export function isPending(target: object, key: string): boolean {
  return PENDING.get(target)?.key === key;
}
