/**
 * The declaration file in parts that prettier can format one at a time: the frame (the header and every
 * interface with one placeholder member each), the members of each interface (a *container*: `paths`,
 * `components.schemas`, `components.responses`, ..., `operations`, `requestSchemas`, `responseSchemas`), and the
 * alias lines. Formatting each part alone and splicing the results gives the same bytes as formatting the whole
 * file: prettier lays out each member and each statement from its own text and its indentation, which the wrappers
 * below reproduce. Most of a part needs no prettier at all (planMember(), aliasInPrettierForm()), and the members
 * of `paths` need no TypeScript either (pathMemberText()). test/chunks.test.ts checks this against whole-file
 * formatting on the fixtures, the upstream set and the 2026-07-15 document; a part that does not come back in the
 * expected shape is an error, never a guess. Pure string functions: no prettier, no TypeScript here.
 */
import { DIRECTED } from "./direction.js";
import type { LoadedComponent, LoadedOperation, LoadedSchema } from "./load.js";
import type { Direction } from "./openapi-objects.js";
import { helperTypes } from "./helper-types.js";
import { byCodeUnit } from "./json.js";
import { HTTP_METHODS } from "./layout.js";
import { typeNames } from "./names.js";

export interface HeaderOptions {
  /** Describes where the schemas came from, for the header. */
  source: string;
}

/**
 * The interfaces of the file, in order. `components` members sit one level deeper (`components.schemas.X`).
 * A set without operations has only `schemas`, as openapi-typescript's components-only output.
 */
export const CONTAINERS = [
  "paths",
  "schemas",
  "responses",
  "parameters",
  "requestBodies",
  "headers",
  "operations",
  "requestSchemas",
  "responseSchemas",
] as const;
export type Container = (typeof CONTAINERS)[number];
export const IN_COMPONENTS: ReadonlySet<Container> = new Set<Container>([
  "schemas",
  "responses",
  "parameters",
  "requestBodies",
  "headers",
]);
/** Doc comments of the interfaces this project adds to openapi-typescript's layout. */
export const CONTAINER_DOCS: Partial<Record<Container, string>> = {
  requestSchemas:
    "/** Component schemas as a request carries them, where that differs from components: readOnly keys refused. */",
  responseSchemas:
    "/** Component schemas as a response carries them, where that differs from components: writeOnly keys left out. */",
};

/** prettier's line width (format.ts). */
const PRINT_WIDTH = 100;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** One member of one container of the file. */
export interface PartId {
  container: Container;
  name: string;
}

export type NamedSchema = Pick<LoadedSchema, "name" | "schema">;
export type NamedOperation = Pick<
  LoadedOperation,
  "operationId" | "route" | "method" | "operation"
>;
export type NamedComponent = Pick<LoadedComponent, "kind" | "name" | "body">;

/** What the emitter reads: the normalised set, or the part of it that some parts' typing can reach. */
export interface EmitInput {
  schemas: readonly NamedSchema[];
  variants: Readonly<Record<Direction, readonly NamedSchema[]>>;
  operations: readonly NamedOperation[];
  components: readonly NamedComponent[];
}

/** Every part of the file, container by container, each container in the order the file lists it. */
export function partsOf(input: EmitInput): PartId[] {
  const routes = [...new Set(input.operations.map((o) => o.route))].sort(byCodeUnit);
  return [
    ...routes.map((name) => ({ container: "paths" as const, name })),
    ...input.schemas.map((s) => ({ container: "schemas" as const, name: s.name })),
    ...input.components.map((c) => ({ container: c.kind, name: c.name })),
    ...input.operations.map((o) => ({ container: "operations" as const, name: o.operationId })),
    ...(["request", "response"] as const).flatMap((direction) =>
      input.variants[direction].map((s) => ({
        container: DIRECTED[direction].container,
        name: s.name,
      })),
    ),
  ];
}

/** The containers that have members, which decides the frame. */
export function containersOf(parts: readonly PartId[]): Set<Container> {
  return new Set(parts.map((p) => p.container));
}

export const ALIASES_PLACEHOLDER = "export type __kst_aliases__ = never;";
const placeholder = (container: Container) => `__kst_${container}__`;
export const placeholderLine = (container: Container) =>
  `${IN_COMPONENTS.has(container) ? "    " : "  "}${placeholder(container)}: string;`;

/** A part did not come back from prettier in the shape these functions rely on. */
export class ChunkError extends Error {}

export function header(
  set: { schemas: readonly unknown[]; operations: readonly unknown[]; digest: string },
  options: HeaderOptions,
): string {
  const operations =
    set.operations.length === 0
      ? ""
      : `, ${set.operations.length} operation${set.operations.length === 1 ? "" : "s"}`;
  return [
    "/**",
    " * Generated by klaviyo-schema-types. Do not edit this file by hand:",
    " * change the schemas and run `npm run generate`.",
    ` * Source: ${options.source} (${set.schemas.length} schemas${operations}, sha256 ${set.digest}).`,
    " */",
  ].join("\n");
}

/**
 * The file around the members, in prettier's form already: each container with members gets its placeholder
 * line; an empty one in `components` is `never`, an empty top-level one is left out.
 */
export function frameText(headerText: string, present: ReadonlySet<Container>): string {
  // Top-level declarations are set apart by one blank line, as openapi-typescript prints them.
  const lines = [headerText];
  const top = (container: Container) => {
    if (!present.has(container)) return;
    const doc = CONTAINER_DOCS[container];
    if (doc) lines.push(doc);
    lines.push(`export interface ${container} {`, placeholderLine(container), "}", "");
  };
  top("paths");
  lines.push("export interface components {");
  for (const container of [...IN_COMPONENTS, "pathItems"] as const) {
    if (container !== "pathItems" && present.has(container))
      lines.push(`  ${container}: {`, placeholderLine(container), "  };");
    else lines.push(`  ${container}: never;`);
  }
  lines.push("}", "");
  for (const container of ["operations", "requestSchemas", "responseSchemas"] as const)
    top(container);
  lines.push(ALIASES_PLACEHOLDER, "");
  return lines.join("\n");
}

/** One `export type` line per schema, in set order. Throws when two schemas get one type name. */
export function aliasLines(set: {
  schemas: readonly Pick<LoadedSchema, "name" | "path">[];
}): string[] {
  return typeNames(set.schemas).map(
    ({ schema, typeName }) =>
      `export type ${typeName} = components["schemas"][${JSON.stringify(schema.name)}];`,
  );
}

// Members sit in their container, as in the whole file, so that prettier indents and wraps them exactly as
// there. A blank line between members survives formatting as one blank line and marks where each member
// ends; a member itself never contains one (checked).
function wrapper(container: Container): [before: string, after: string] {
  return IN_COMPONENTS.has(container)
    ? [`export interface components {\n  ${container}: {\n`, "  };\n}\n"]
    : [`export interface ${container} {\n`, "}\n"];
}

export function wrapMembers(container: Container, texts: readonly string[]): string {
  for (const text of texts) {
    if (/\n[ \t]*\n/.test(text))
      throw new ChunkError(`chunks: an emitted member contains a blank line: ${text.slice(0, 80)}`);
  }
  const [before, after] = wrapper(container);
  return `${before}${texts.join("\n\n")}\n${after}`;
}

/** The formatted members of one wrapMembers() text, each ending in a newline. */
export function splitMembers(container: Container, formatted: string, count: number): string[] {
  const [before, after] = wrapper(container);
  if (!formatted.startsWith(before) || !formatted.endsWith(after)) {
    throw new ChunkError("chunks: formatted members came back without their wrapper");
  }
  const members = formatted.slice(before.length, formatted.length - after.length - 1).split("\n\n");
  if (members.length !== count)
    throw new ChunkError(`chunks: expected ${count} formatted members, found ${members.length}`);
  return members.map((member) => member + "\n");
}

/**
 * An alias line as prettier lays it out, where that is plain: one with a plain name and a key of printable ASCII
 * without escapes (prettier may change the quotes around an escaped one) stays as it is when it fits in 100
 * columns, and is broken after `=` when it does not and its reference fits on a line of its own. Undefined for
 * the others, which go to prettier (wrapAliases()).
 */
export function aliasInPrettierForm(line: string): string | undefined {
  const match =
    /^(export type [A-Za-z_$][A-Za-z0-9_$]* =) (components\["schemas"\]\["[\x20-\x7e]*"\];)$/.exec(
      line,
    );
  if (match === null || line.includes("\\")) return undefined;
  if (line.length <= PRINT_WIDTH) return `${line}\n`;
  const [, head, reference] = match;
  return head!.length <= PRINT_WIDTH && 2 + reference!.length <= PRINT_WIDTH
    ? `${head}\n  ${reference}\n`
    : undefined;
}

/** Alias lines are statements of their own; a formatted one may wrap onto an indented second line. */
export function wrapAliases(lines: readonly string[]): string {
  return lines.map((line) => line + "\n").join("");
}

export function splitAliases(formatted: string, count: number): string[] {
  const statements: string[] = [];
  for (const line of formatted.split("\n").slice(0, -1)) {
    if (line.startsWith("export type ")) statements.push(line + "\n");
    else if (line.startsWith("  ") && statements.length > 0)
      statements[statements.length - 1] += line + "\n";
    else
      throw new ChunkError(`chunks: unexpected line among formatted aliases: ${line.slice(0, 80)}`);
  }
  if (statements.length !== count)
    throw new ChunkError(`chunks: expected ${count} formatted aliases, found ${statements.length}`);
  return statements;
}

/**
 * The formatted frame with each container's formatted members and the aliases in place of their placeholders,
 * and the helper types after everything. `aliases` undefined: the frame has no aliases placeholder (a shared
 * module of entries.ts).
 */
export function spliceFrame(
  frame: string,
  members: ReadonlyMap<Container, readonly string[]>,
  aliases: readonly string[] | undefined,
): string {
  const lines = frame.split("\n");
  const at = (line: string) => {
    const first = lines.indexOf(line);
    if (first === -1 || lines.indexOf(line, first + 1) !== -1)
      throw new ChunkError(
        `chunks: the formatted frame does not hold exactly one "${line.trim()}"`,
      );
    return first;
  };
  const replacements = new Map<number, string | undefined>();
  for (const [container, texts] of members)
    replacements.set(at(placeholderLine(container)), texts.join("").replace(/\n$/, ""));
  if (aliases !== undefined) {
    // No aliases (an entry that reaches no schema): the placeholder line goes, not just its text.
    replacements.set(
      at(ALIASES_PLACEHOLDER),
      aliases.length === 0 ? undefined : aliases.join("").replace(/\n$/, ""),
    );
    if (Math.max(...replacements.keys()) !== at(ALIASES_PLACEHOLDER))
      throw new ChunkError("chunks: the formatted frame has the aliases before the members");
  }
  const text = lines
    .flatMap((line, i) => {
      if (!replacements.has(i)) return [line];
      const replacement = replacements.get(i);
      return replacement === undefined ? [] : [replacement];
    })
    .join("\n");
  return text + helperTypes(text);
}

/**
 * Most of a member needs no prettier: the TypeScript printer writes it in prettier's form already, but for the
 * indentation (4 spaces a level from column 0, where prettier has 2 from the member's place in the file) and for
 * the lines prettier lays out anew. planMember() reads a member property by property into lines in their final
 * form and *fragments*, the properties that prettier must still lay out (each with its doc comment; prettier lays
 * a property out from its own text and its column alone, so wrapFragments() sets each at its column, alone).
 * What it writes itself is narrow on purpose:
 * - a property on one line whose type is names, string and number literals and `| & [ ] ( ) < > ,` as the
 *   printer spaces them, when it fits in 100 columns;
 * - a union of literals and references (or an array of one) too long for its line, broken as prettier breaks it
 *   (brokenUnion());
 * - `key: {` … `};` (or `}[];`, `} | null;`) around members read by the same rules;
 * - doc comments whose lines start with `*` and end in no whitespace, re-indented as prettier re-indents them.
 * Anything else is a fragment; a key that prettier might quote otherwise makes the literal around it (with the
 * keys beside it) one, and a member it cannot read is one fragment as a whole. test/chunks.test.ts proves the
 * bytes on the fixtures, the upstream set and the 2026-07-15 document against formatting the whole file at once.
 */
export interface Fragment {
  /** Columns before the property's first line in the file. */
  indent: number;
  /** The property as the printer gave it, doc comment included; no blank line. */
  text: string;
}

export interface MemberPlan {
  /** Final text around the fragments: one more piece than fragments, each empty or ending in a newline. */
  pieces: string[];
  fragments: Fragment[];
}

/** The member's own columns in the file: `components` members sit one level deeper. */
export function memberIndent(container: Container): number {
  return IN_COMPONENTS.has(container) ? 4 : 2;
}

export function planMember(container: Container, raw: string): MemberPlan {
  const base = memberIndent(container);
  return readMember(raw, base) ?? { pieces: ["", ""], fragments: [{ indent: base, text: raw }] };
}

/** The member with prettier's layout of each fragment (formatted[i] for fragments[i]) in place. */
export function finishMember(plan: MemberPlan, formatted: readonly string[]): string {
  if (formatted.length !== plan.fragments.length)
    throw new ChunkError(
      `chunks: expected ${plan.fragments.length} formatted fragments, found ${formatted.length}`,
    );
  let text = plan.pieces[0]!;
  formatted.forEach((fragment, i) => (text += fragment + plan.pieces[i + 1]!));
  return text;
}

const FRAGMENT_NAME = "__kst_fragment__";
const fragmentWrapper = (indent: number): [open: string[], close: string[]] => {
  const open = [`interface ${FRAGMENT_NAME} {`];
  const close = ["}"];
  for (let column = 2; column < indent; column += 2) {
    open.push(`${" ".repeat(column)}${FRAGMENT_NAME}: {`);
    close.unshift(`${" ".repeat(column)}};`);
  }
  return [open, close];
};

/** One interface per fragment, nested to the fragment's depth, set apart by blank lines. */
export function wrapFragments(fragments: readonly Fragment[]): string {
  return fragments
    .map(({ indent, text }) => {
      if (/\n[ \t]*\n/.test(text))
        throw new ChunkError(`chunks: a fragment contains a blank line: ${text.slice(0, 80)}`);
      if (indent < 2 || indent % 2 !== 0)
        throw new ChunkError(`chunks: a fragment cannot sit at column ${indent}`);
      const [open, close] = fragmentWrapper(indent);
      return [...open, text.replace(/\n$/, ""), ...close].join("\n") + "\n";
    })
    .join("\n");
}

/** The formatted fragments of one wrapFragments() text, each ending in a newline. */
export function splitFragments(formatted: string, fragments: readonly Fragment[]): string[] {
  const statements = formatted.replace(/\n$/, "").split("\n\n");
  if (statements.length !== fragments.length)
    throw new ChunkError(
      `chunks: expected ${fragments.length} formatted fragments, found ${statements.length}`,
    );
  return statements.map((statement, i) => {
    const [open, close] = fragmentWrapper(fragments[i]!.indent);
    const lines = statement.split("\n");
    const inner = lines.slice(open.length, lines.length - close.length);
    if (
      inner.length === 0 ||
      open.some((line, j) => lines[j] !== line) ||
      close.some((line, j) => lines[lines.length - close.length + j] !== line)
    )
      throw new ChunkError("chunks: a formatted fragment came back without its wrapper");
    return inner.join("\n") + "\n";
  });
}

/** Reads a member as printed (members at column 0, 4 spaces a level); undefined when it is not in that shape. */
function readMember(raw: string, base: number): MemberPlan | undefined {
  const lines = raw.replace(/\n$/, "").split("\n");
  if (raw.includes("\r") || lines.some((line) => line.trim() === "")) return undefined;
  const pieces: string[] = [];
  const fragments: Fragment[] = [];
  let piece = "";
  const keep = (column: number, text: string) => {
    piece += `${" ".repeat(column)}${text}\n`;
  };
  const leadingSpaces = (line: string) => line.length - line.trimStart().length;

  /** The properties of lines[from, to) at `depth`; false when they are not in the printer's shape. */
  const properties = (from: number, to: number, depth: number): boolean => {
    const column = base + 2 * depth;
    const own = 4 * depth;
    let i = from;
    while (i < to) {
      const start = i;
      // Doc comments, in their final form when each line is plain.
      const comments: string[] = [];
      let plain = true;
      while (i < to && leadingSpaces(lines[i]!) === own && lines[i]!.startsWith("/*", own)) {
        let last = i;
        while (last < to && !lines[last]!.trimEnd().endsWith("*/")) last++;
        if (last === to) return false;
        const first = lines[i]!.slice(own);
        if (last === i) {
          // One line, which prettier leaves as it is.
          if (
            !first.startsWith("/**") ||
            /\s$/.test(first) ||
            first.indexOf("*/") !== first.length - 2
          )
            plain = false;
          comments.push(first);
        } else {
          // Lines that each start with `*`, which prettier re-indents: " " and the line trimmed.
          const middle = lines.slice(i + 1, last);
          if (
            first !== "/**" ||
            lines[last] !== `${" ".repeat(own + 1)}*/` ||
            middle.some((l) => l.trimStart()[0] !== "*" || /\s$/.test(l) || l.includes("*/"))
          )
            plain = false;
          comments.push("/**", ...middle.map((l) => " " + l.trim()), " */");
        }
        i = last + 1;
      }
      if (i === to) return false;
      const line = lines[i]!;
      if (leadingSpaces(line) !== own) return false;
      const text = line.slice(own);
      // Such a key goes to prettier with the keys beside it: the literal around it (or the member) is a fragment.
      if (hasChangeableKey(text)) return false;
      // Where the property ends: its own line, or the line back at its depth that closes it (`};`,
      // `} | null;`, `})[];`; lines back at its depth in between start with `}` or `)` too).
      let end = i;
      if (!text.endsWith(";")) {
        for (;;) {
          end++;
          while (end < to && leadingSpaces(lines[end]!) > own) end++;
          if (end === to || leadingSpaces(lines[end]!) !== own) return false;
          const close = lines[end]!.slice(own);
          if (!/^[})]/.test(close)) return false;
          if (close.endsWith(";")) break;
        }
      }
      const fits = (t: string) => column + width(t) <= PRINT_WIDTH;
      const broken = plain && end === i && !fits(text) ? brokenUnion(text, column) : undefined;
      if (plain && end === i && isPlainLine(text) && fits(text)) {
        for (const comment of comments) keep(column, comment);
        keep(column, text);
      } else if (broken !== undefined) {
        for (const comment of comments) keep(column, comment);
        for (const [extra, brokenLine] of broken) keep(column + extra, brokenLine);
      } else {
        const mark = { piece, pieces: pieces.length, fragments: fragments.length };
        const literal =
          plain &&
          end > i + 1 &&
          LITERAL_ENDS.has(lines[end]!.slice(own)) &&
          isOpener(text) &&
          fits(text);
        if (literal) {
          for (const comment of comments) keep(column, comment);
          keep(column, text);
        }
        if (literal && properties(i + 1, end, depth + 1)) keep(column, lines[end]!.slice(own));
        else {
          // A fragment, from its doc comment to its end; what a literal's members left behind goes.
          piece = mark.piece;
          pieces.length = mark.pieces;
          fragments.length = mark.fragments;
          pieces.push(piece);
          piece = "";
          fragments.push({ indent: column, text: lines.slice(start, end + 1).join("\n") + "\n" });
        }
      }
      i = end + 1;
    }
    return true;
  };
  if (!properties(0, lines.length, 0)) return undefined;
  pieces.push(piece);
  return { pieces, fragments };
}

/**
 * How a type literal's last line may read for prettier to print the literal as the printer does: alone, as an
 * array's element type, or beside `null` (which prettier keeps on the literal's lines).
 */
const LITERAL_ENDS = new Set(["};", "}[];", "} | null;"]);

/** `key: {` or `key?: {`, the key as isPlainLine() reads one. */
function isOpener(text: string): boolean {
  const rest = readKey(text);
  return rest === ": {" || rest === "?: {";
}

/** What follows the property key at the start of `text`, or undefined when the key is not a plain one. */
function readKey(text: string): string | undefined {
  if (text.startsWith('"')) {
    const close = text.indexOf('"', 1);
    return close === -1 || quotedKeyPrettierMayChange(text.slice(1, close))
      ? undefined
      : text.slice(close + 1);
  }
  const match =
    /^(?:[A-Za-z_$][A-Za-z0-9_$]*|[1-9][0-9]*|0|\[[A-Za-z_$][A-Za-z0-9_$]*: string\])/.exec(text);
  return match ? text.slice(match[0].length) : undefined;
}

/**
 * A quoted key that prettier may print otherwise (unquoted, or in other quotes), which may depend on the keys
 * beside it: one that needs no quotes (the printer quotes none such), looks like a number, holds an escape, a
 * quote or a character beyond ASCII.
 */
function quotedKeyPrettierMayChange(key: string): boolean {
  return (
    IDENTIFIER.test(key) ||
    /^[\d.eE+-]+$/.test(key) ||
    !Number.isNaN(Number(key)) ||
    /[\\'"\u007f-\uffff]/.test(key)
  );
}

/** A line at the start of `text` whose key prettier may print otherwise (see quotedKeyPrettierMayChange()). */
function hasChangeableKey(text: string): boolean {
  if (!text.startsWith('"')) return false;
  const close = text.indexOf('"', 1);
  return close === -1 || quotedKeyPrettierMayChange(text.slice(1, close));
}

/**
 * `key: type;` or `key?: type;` where the type is identifiers, string literals without an escaped quote (prettier
 * may change their quotes), plain numbers (prettier rewrites `1.50`, `1e+21`) and `| & [ ] ( ) < > ,` as the
 * printer spaces them.
 */
function isPlainLine(text: string): boolean {
  const rest = readKey(text);
  if (rest === undefined) return false;
  const type = rest.startsWith(": ")
    ? rest.slice(2)
    : rest.startsWith("?: ")
      ? rest.slice(3)
      : undefined;
  if (type === undefined || !type.endsWith(";")) return false;
  const body = type.slice(0, -1);
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < body.length && body[j] !== '"') {
        if (body[j] === "\\") {
          if (body[j + 1] === '"' || body[j + 1] === "'") return false;
          j++;
        }
        j++;
      }
      if (j >= body.length) return false;
      i = j + 1;
      continue;
    }
    const word =
      /^(?:[A-Za-z_$][A-Za-z0-9_$]*|-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?(?![0-9A-Za-z_$.])| \| | & |, |[\[\]()<>])/.exec(
        body.slice(i),
      );
    if (word === null) return false;
    i += word[0].length;
  }
  return body.length > 0;
}

/**
 * A property too long for its line whose type is a union of literals and references, alone or as the element
 * type of an array, as prettier breaks it: one member a line, each after `| `, 2 columns deeper than the key.
 * ```
 * key?:                          key?: (
 *   | "a"                          | "a"
 *   | "b";                         | "b"
 *                                )[];
 * ```
 * Lines (columns after the key's, text), or undefined for any other line.
 */
function brokenUnion(text: string, column: number): [number, string][] | undefined {
  // Only where the width is plain: in ASCII, one column a character.
  const rest = readKey(text);
  if (rest === undefined || !/^[\x20-\x7e]*$/.test(text) || !isPlainLine(text)) return undefined;
  const optional = rest.startsWith("?");
  const head = `${text.slice(0, text.length - rest.length)}${optional ? "?:" : ":"}`;
  let type = rest.slice(optional ? 3 : 2, -1);
  const array = type.startsWith("(") && type.endsWith(")[]");
  if (array) type = type.slice(1, -3);
  const members = type.split(" | ");
  if (members.length < 2 || !members.every((m) => UNION_ATOM.test(m))) return undefined;
  if (array && column + 2 + type.length <= PRINT_WIDTH)
    return [
      [0, `${head} (`],
      [2, type],
      [0, ")[];"],
    ];
  if (array)
    return [[0, `${head} (`], ...members.map((m): [number, string] => [2, `| ${m}`]), [0, ")[];"]];
  // A union that fits on a line of its own goes there whole.
  if (column + 2 + type.length + 1 <= PRINT_WIDTH)
    return [
      [0, head],
      [2, `${type};`],
    ];
  return [
    [0, head],
    ...members.map((m, i): [number, string] => [2, `| ${m}${i === members.length - 1 ? ";" : ""}`]),
  ];
}

/** A union member that prettier prints as it is: a string literal, a number, a name, a reference by index. */
const UNION_ATOM =
  /^(?:"(?:[^"\\]|\\[^"'])*"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?|[A-Za-z_$][A-Za-z0-9_$]*(?:\["(?:[^"\\]|\\[^"'])*"\])*)$/;

/** Columns a line takes at most: prettier counts a wide character as two, and none as more. */
function width(text: string): number {
  let columns = text.length;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7e) columns++;
  return columns;
}

/** Klaviyo's reference page of an operation. */
export function referenceUrl(operationId: string): string {
  return `https://developers.klaviyo.com/en/reference/${encodeURIComponent(operationId)}`;
}

/** An operation's doc comment, as emit.ts hands it to openapi-typescript's addJSDocComment(). */
export interface OperationDoc {
  summary: string | undefined;
  deprecated: boolean;
  description: string;
}

/**
 * The hover text of an operation: its summary, then its description, the scopes it needs, its rate limits, the
 * other names Klaviyo gives it, whether it is deprecated or pre-release, and its reference page.
 */
export function operationDoc(operation: NamedOperation): OperationDoc {
  const object = operation.operation;
  const lines: string[] = [];
  if (typeof object["description"] === "string" && object["description"].trim() !== "")
    lines.push(object["description"].trim(), "");
  // A list, so that editors show one fact per line (a JSDoc comment is read as Markdown).
  lines.push(`- \`${operation.method.toUpperCase()} ${operation.route}\``);
  const scopes = object["x-klaviyo-scopes"];
  if (Array.isArray(scopes) && scopes.length > 0)
    lines.push(`- Scopes: ${scopes.map((s) => `\`${String(s)}\``).join(", ")}`);
  const limit = object["x-klaviyo-ratelimit"];
  if (typeof limit === "object" && limit !== null && !Array.isArray(limit)) {
    const parts = Object.entries(limit).map(([kind, value]) => `${kind} ${String(value)}`);
    if (parts.length > 0) lines.push(`- Rate limits: ${parts.join(", ")}`);
  }
  const aliases = object["x-klaviyo-operation-aliases"];
  if (Array.isArray(aliases) && aliases.length > 0)
    lines.push(`- Also known as: ${aliases.map((a) => `\`${String(a)}\``).join(", ")}`);
  const preRelease = object["x-klaviyo-pre-release"];
  if (typeof preRelease === "string" && preRelease !== "" && preRelease !== "None")
    lines.push(`- Pre-release: ${preRelease}`);
  if (object["deprecated"] === true) lines.push("- Deprecated");
  lines.push(`- Reference: ${referenceUrl(operation.operationId)}`);
  return {
    summary: typeof object["summary"] === "string" ? object["summary"] : undefined,
    deprecated: object["deprecated"] === true,
    description: lines.join("\n"),
  };
}

/**
 * A member of `paths` as the TypeScript printer writes what emit.ts's pathItemType() builds (members at column 0,
 * 4 spaces a level), made here without TypeScript, so that this thread makes them while a worker emits the rest.
 * The doc comments are what openapi-typescript's addJSDocComment() makes of operationDoc(), written as the
 * printer writes a comment: each line trimmed, after one space more than the member. Undefined where the text
 * would need what only the printer knows: a route or operationId beyond plain ASCII or holding a quote or a
 * backslash (escapes), a route that is not a path, a doc comment with a line break other than `\n` or `\r\n`.
 * test/chunks.test.ts compares every path of the 2026-07-15 document with the emitter's.
 */
export function pathMemberText(operations: readonly NamedOperation[]): string | undefined {
  const plain = (text: string) => /^[\x20-\x7e]*$/.test(text) && !/["\\]/.test(text);
  const route = operations[0]?.route;
  if (route === undefined || !route.startsWith("/") || !plain(route)) return undefined;
  const lines = [`${JSON.stringify(route)}: {`, "    parameters: {"];
  for (const where of ["query", "header", "path", "cookie"])
    lines.push(`        ${where}?: never;`);
  lines.push("    };");
  for (const method of HTTP_METHODS) {
    const operation = operations.find((o) => o.method === method);
    if (operation === undefined) {
      lines.push(`    ${method}?: never;`);
      continue;
    }
    if (!plain(operation.operationId)) return undefined;
    const comment = printedDocComment(operationDoc(operation));
    if (comment === undefined) return undefined;
    lines.push(...comment.map((line) => `    ${line}`));
    lines.push(`    ${method}: operations[${JSON.stringify(operation.operationId)}];`);
  }
  lines.push("};");
  return lines.join("\n");
}

/**
 * openapi-typescript's addJSDocComment() for a summary, a deprecation and a description, and then the printer's
 * writing of that comment, line by line (without the member's indentation); undefined when a line break other
 * than `\n` (after `\r\n` became one) would make the printer split lines otherwise.
 */
function printedDocComment(doc: OperationDoc): string[] | undefined {
  const output: string[] = [];
  const lines = (text: string) => text.trim().replace(/\r?\n/g, "\n *     ");
  if (doc.summary) output.push(lines(doc.summary));
  if (doc.deprecated) output.push("@deprecated");
  if (doc.description !== "") output.push(`@description ${lines(doc.description)}`);
  if (output.length === 0) return [];
  const multiLine = output.some((item) => item.includes("\n"));
  const text = (
    output.length === 1 && !multiLine ? `* ${output[0]} ` : `*\n * ${output.join("\n * ")}\n `
  ).replace(/\*\//g, "*\\/");
  if (/[\r\u2028\u2029]/.test(text)) return undefined;
  // The printer writes "/*" + text + "*/", each line trimmed, the lines after the first one column in.
  return `/*${text}*/`.split("\n").map((line, i) => (i === 0 ? line.trim() : ` ${line.trim()}`));
}

/**
 * A reference to another part in emitted text: `components["<kind>"]["<name>"]`, or `<container>["<name>"]` for
 * the top-level containers; names are printed as double-quoted string literals.
 */
const REFERENCE =
  /(?<![\w$.])(?:components\["(schemas|responses|parameters|requestBodies|headers)"\]|(operations|requestSchemas|responseSchemas))\["((?:[^"\\\n]|\\.)*)"\]/g;

/**
 * The parts that emitted text refers to, each once, in order of first mention: what the compiler will resolve.
 * Doc comments can only add references, never lose one (entries.ts, the drift report's declarations.ts).
 */
export function referencesOf(text: string): PartId[] {
  const found = new Map<string, PartId>();
  for (const match of text.matchAll(REFERENCE)) {
    let name: string;
    try {
      name = JSON.parse(`"${match[3]}"`) as string;
    } catch {
      continue; // not a string literal the printer wrote: some doc comment's text
    }
    const container = (match[1] ?? match[2]) as Container;
    found.set(`${container}/${name}`, { container, name });
  }
  return [...found.values()];
}
