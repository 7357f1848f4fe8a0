/** Markdown pieces the drift report's text is built from (render.ts, operations.ts). Pure. */
import type { Json } from "../pipeline/json.js";

/** A JSON value as inline code, cut at 120 characters. */
export function value(v: Json): string {
  const text = JSON.stringify(v);
  return code(text.length > 120 ? text.slice(0, 117) + "..." : text);
}

/** Inline code that survives backticks in the text (CommonMark: a longer fence, padded). */
export function code(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const fence = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = runs.length > 0 ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}
