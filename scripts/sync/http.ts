/**
 * Bounded HTTP GET with Node's global fetch: a time limit on the whole exchange (headers and body) and a
 * size limit counted on the bytes actually received, so a missing or lying Content-Length cannot get past it.
 * Every failure is a one-line SchemaError naming the URL.
 */
import { SchemaError } from "../pipeline/errors.js";

export interface FetchLimits {
  /** Per request, headers and body together. */
  timeoutMs: number;
  /** Per response body, after any content decoding. */
  maxBytes: number;
}

export const DEFAULT_LIMITS: FetchLimits = { timeoutMs: 30_000, maxBytes: 32 * 1024 * 1024 };

export async function fetchBytes(
  url: string,
  limits: FetchLimits,
  headers: Record<string, string> = {},
): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      signal,
      headers: { "user-agent": "klaviyo-schema-types-sync", ...headers },
    });
  } catch (error) {
    throw failure(url, error, limits);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new SchemaError(
      url,
      undefined,
      `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`,
    );
  }
  const declared = response.headers.get("content-length");
  if (declared !== null && Number(declared) > limits.maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(url, `${declared} bytes`, limits);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > limits.maxBytes) {
          await reader.cancel().catch(() => {});
          throw tooLarge(url, `more than ${limits.maxBytes} bytes`, limits);
        }
        chunks.push(value);
      }
    }
  } catch (error) {
    throw error instanceof SchemaError ? error : failure(url, error, limits);
  }
  return Buffer.concat(chunks, total);
}

/** Decodes UTF-8 strictly: invalid bytes are malformed input, not replacement characters. */
export function decodeUtf8(where: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new SchemaError(where, undefined, "malformed: not UTF-8 text");
  }
}

function tooLarge(url: string, size: string, limits: FetchLimits): SchemaError {
  return new SchemaError(
    url,
    undefined,
    `response too large: ${size}, over the bound of ${limits.maxBytes} bytes (--max-bytes)`,
  );
}

function failure(url: string, error: unknown, limits: FetchLimits): SchemaError {
  // Duck-typed: errors from fetch may come from another realm (e.g. under a test runner's VM), where instanceof fails.
  const { name, message, cause } = (typeof error === "object" && error !== null ? error : {}) as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (name === "TimeoutError" || name === "AbortError") {
    return new SchemaError(url, undefined, `timed out after ${limits.timeoutMs} ms (--timeout)`);
  }
  const detail = cause?.code ?? cause?.message ?? message ?? String(error);
  return new SchemaError(url, undefined, `network error (${detail})`);
}
