/**
 * Operations, old against new, as written (the resolved sets, component references followed): which were added,
 * removed, changed or changed in their docs only, and for a changed one each difference at the place where it
 * happens, with a stable rule id. A change inside a referenced schema is reported at every place an operation
 * reaches it, with the path from the operation's body to it, in the direction the operation uses it. What breaks
 * is the compiler's verdict (verdict.ts); nothing here decides it.
 */
import { byCodeUnit, isObject, type Json, type JsonObject } from "../pipeline/json.js";
import type { ResolvedComponent, ResolvedOperation, ResolvedSchema } from "../pipeline/resolve.js";
import { componentRefTokens } from "../pipeline/refs.js";
import { canonical, compareSchemas, jsonEqual, stableStringify, type Detail } from "./compare.js";
import { code, value } from "./markdown.js";

export type OperationChange = "added" | "removed" | "changed" | "docs";

export interface OperationDetail {
  /** A stable id to filter on, e.g. `request-parameter-enum-value-removed`. */
  rule: string;
  /** Where it happens, e.g. `query parameter include`, `request body $.data.attributes.name`, `response 200`. */
  where: string;
  /** One sentence, Markdown. */
  text: string;
}

export interface OperationDrift {
  operationId: string;
  method: string;
  path: string;
  change: OperationChange;
  breaks: { requests: boolean; responses: boolean };
  details: OperationDetail[];
}

/** What the operation comparison needs of one side. */
export interface OperationSide {
  operations: readonly ResolvedOperation[];
  components: readonly ResolvedComponent[];
  schemas: readonly ResolvedSchema[];
}

/** Schema-level changes, by name: what compare.ts found in each changed schema's own body. */
export type SchemaChanges = ReadonlyMap<string, { change: "changed" | "docs"; details: Detail[] }>;

type Direction = "request" | "response";

/** The rule ids, in the order details of one place are listed. */
export const RULES = [
  "operation-removed",
  "operation-added",
  "operation-path-changed",
  "operation-method-changed",
  "request-parameter-removed",
  "request-parameter-added",
  "request-parameter-required-added",
  "request-parameter-required-removed",
  "request-parameter-type-changed",
  "request-parameter-enum-value-removed",
  "request-parameter-enum-value-added",
  "request-parameter-style-changed",
  "request-parameter-schema-changed",
  "request-body-removed",
  "request-body-added",
  "request-body-required-added",
  "request-body-required-removed",
  "request-body-media-type-removed",
  "request-body-media-type-added",
  "request-body-property-removed",
  "request-body-property-added",
  "request-body-property-required-added",
  "request-body-property-required-removed",
  "request-body-property-type-changed",
  "request-body-property-nullable-added",
  "request-body-property-nullable-removed",
  "request-body-property-enum-value-removed",
  "request-body-property-enum-value-added",
  "request-body-property-variant-removed",
  "request-body-property-variant-added",
  "request-body-property-keyword-changed",
  "request-key-removed",
  "request-key-read-only",
  "response-status-changed",
  "response-status-removed",
  "response-status-added",
  "response-media-type-removed",
  "response-media-type-added",
  "response-property-removed",
  "response-property-added",
  "response-property-required-added",
  "response-property-required-removed",
  "response-property-type-changed",
  "response-property-nullable-added",
  "response-property-nullable-removed",
  "response-property-enum-value-removed",
  "response-property-enum-value-added",
  "response-property-variant-removed",
  "response-property-variant-added",
  "response-property-keyword-changed",
  "operation-docs-changed",
] as const;
export type Rule = (typeof RULES)[number];

/** The default `style` of a parameter by where it goes (OpenAPI 3.0.3 §4.7.12.4), and `explode` that follows. */
const DEFAULT_STYLE: Record<string, string> = {
  query: "form",
  cookie: "form",
  path: "simple",
  header: "simple",
};

/**
 * Compares the operations of both sides. Unchanged operations are left out; the verdicts are all false here
 * (the caller asks the compiler). Sorted by operationId.
 */
export function compareOperations(
  oldSide: OperationSide,
  newSide: OperationSide,
  changes: SchemaChanges,
): OperationDrift[] {
  const oldOps = new Map(oldSide.operations.map((o) => [o.operationId, o]));
  const newOps = new Map(newSide.operations.map((o) => [o.operationId, o]));
  const oldCtx = context(oldSide);
  const newCtx = context(newSide);
  // Schemas whose closure (in the new set) holds a changed schema: only those are worth following.
  const reachesChange = reachingChanges(newSide.schemas, changes);
  const out: OperationDrift[] = [];
  for (const id of [...new Set([...oldOps.keys(), ...newOps.keys()])].sort(byCodeUnit)) {
    const before = oldOps.get(id);
    const after = newOps.get(id);
    const base = { operationId: id, breaks: { requests: false, responses: false } };
    if (!after) {
      out.push({
        ...base,
        method: before!.method,
        path: before!.route,
        change: "removed",
        breaks: { requests: true, responses: true },
        details: [detail("operation-removed", "operation", `removed: ${call(before!)}`)],
      });
      continue;
    }
    if (!before) {
      out.push({
        ...base,
        method: after.method,
        path: after.route,
        change: "added",
        details: [detail("operation-added", "operation", `added: ${call(after)}`)],
      });
      continue;
    }
    const details: OperationDetail[] = [];
    const docsOnly = { changed: false };
    compareOperation(before, after, oldCtx, newCtx, changes, reachesChange, details, docsOnly);
    if (details.length > 0)
      out.push({
        ...base,
        method: after.method,
        path: after.route,
        change: "changed",
        details: sortOperationDetails(details),
      });
    else if (docsOnly.changed || docsDiffer(id, before.operation, after.operation, oldCtx, newCtx))
      out.push({
        ...base,
        method: after.method,
        path: after.route,
        change: "docs",
        details: [
          detail(
            "operation-docs-changed",
            "operation",
            "only documentation changed (descriptions, summaries, examples), here or in a schema it uses",
          ),
        ],
      });
  }
  return out;
}

interface Context {
  components: Map<string, JsonObject>;
  schemas: Map<string, JsonObject>;
}

function context(side: OperationSide): Context {
  return {
    components: new Map(side.components.map((c) => [`${c.kind}/${c.name}`, c.body])),
    schemas: new Map(side.schemas.map((s) => [s.name, s.schema])),
  };
}

/** A component reference (`#/components/parameters/X`, ...) replaced by the component; anything else as is. */
function deref(value: Json | undefined, ctx: Context): Json | undefined {
  if (!isObject(value) || typeof value["$ref"] !== "string") return value;
  const match = /^#\/components\/(responses|parameters|requestBodies|headers)\/(.+)$/.exec(
    value["$ref"],
  );
  if (!match) return value;
  return ctx.components.get(`${match[1]}/${match[2]}`) ?? value;
}

/** Whether the operations, with their component references followed, differ at all (only docs can, here). */
function docsDiffer(
  id: string,
  before: JsonObject,
  after: JsonObject,
  oldCtx: Context,
  newCtx: Context,
): boolean {
  const [a, b] = [expand(before, oldCtx), expand(after, newCtx)];
  return !jsonEqual(a, b) && canonical(id, a, false) !== canonical(id, b, false);
}

/** The operation with its component references followed, for the docs-only comparison. */
function expand(operation: JsonObject, ctx: Context): JsonObject {
  const responses = isObject(operation["responses"]) ? operation["responses"] : {};
  return {
    ...operation,
    parameters: (Array.isArray(operation["parameters"]) ? operation["parameters"] : []).map(
      (p) => deref(p, ctx) ?? null,
    ),
    requestBody: deref(operation["requestBody"], ctx) ?? null,
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, r]) => [status, deref(r, ctx) ?? null]),
    ),
  };
}

function compareOperation(
  before: ResolvedOperation,
  after: ResolvedOperation,
  oldCtx: Context,
  newCtx: Context,
  changes: SchemaChanges,
  reachesChange: ReadonlySet<string>,
  out: OperationDetail[],
  docs: { changed: boolean },
): void {
  if (before.route !== after.route)
    out.push(
      detail(
        "operation-path-changed",
        "operation",
        `path changed: ${code(before.route)} → ${code(after.route)}`,
      ),
    );
  if (before.method !== after.method)
    out.push(
      detail(
        "operation-method-changed",
        "operation",
        `method changed: ${code(before.method.toUpperCase())} → ${code(after.method.toUpperCase())}`,
      ),
    );
  const follow = (where: string, direction: Direction, schema: Json | undefined) =>
    followRefs(where, direction, schema, newCtx, changes, reachesChange, out, docs);

  // Parameters, by where they go and their name.
  const params = (op: ResolvedOperation, ctx: Context) => {
    const list = Array.isArray(op.operation["parameters"]) ? op.operation["parameters"] : [];
    const map = new Map<string, JsonObject>();
    for (const item of list) {
      const p = deref(item, ctx);
      if (isObject(p) && typeof p["name"] === "string" && typeof p["in"] === "string")
        map.set(`${p["in"]} ${p["name"]}`, p);
    }
    return map;
  };
  const oldParams = params(before, oldCtx);
  const newParams = params(after, newCtx);
  for (const key of [...new Set([...oldParams.keys(), ...newParams.keys()])].sort(byCodeUnit)) {
    const a = oldParams.get(key);
    const b = newParams.get(key);
    const place = a ?? b!;
    const where = `${String(place["in"])} parameter ${String(place["name"])}`;
    const label = `${String(place["in"])} parameter ${code(String(place["name"]))}`;
    if (!b) {
      out.push(
        detail(
          "request-parameter-removed",
          where,
          `${label} removed (was ${a!["required"] === true ? "required" : "optional"})`,
        ),
      );
      continue;
    }
    if (!a) {
      out.push(
        detail(
          "request-parameter-added",
          where,
          `${label} added (${b["required"] === true ? "required" : "optional"})`,
        ),
      );
      follow(where, "request", b["schema"]);
      continue;
    }
    if (a["required"] !== true && b["required"] === true)
      out.push(detail("request-parameter-required-added", where, `${label} now required`));
    if (a["required"] === true && b["required"] !== true)
      out.push(detail("request-parameter-required-removed", where, `${label} now optional`));
    const style = (p: JsonObject) => {
      const s = typeof p["style"] === "string" ? p["style"] : DEFAULT_STYLE[String(p["in"])];
      const explode = typeof p["explode"] === "boolean" ? p["explode"] : s === "form";
      return `style ${s}, explode ${explode}`;
    };
    if (style(a) !== style(b))
      out.push(
        detail(
          "request-parameter-style-changed",
          where,
          `${label} serialised differently: ${style(a)} → ${style(b)}`,
        ),
      );
    const schemaA = isObject(a["schema"]) ? a["schema"] : {};
    const schemaB = isObject(b["schema"]) ? b["schema"] : {};
    const comparison = compareSchemas(where, schemaA, schemaB);
    if (comparison.kind === "docs") docs.changed = true;
    if (comparison.kind === "changed")
      for (const d of comparison.details) out.push(parameterDetail(where, label, d));
    for (const keyword of ["deprecated", "allowEmptyValue", "allowReserved"])
      if (stableStringify(a[keyword] ?? null) !== stableStringify(b[keyword] ?? null))
        out.push(
          detail(
            "request-parameter-schema-changed",
            where,
            `${label}: ${code(keyword)} ${JSON.stringify(a[keyword] ?? null)} → ${JSON.stringify(b[keyword] ?? null)}`,
          ),
        );
    if (stableStringify(a["description"] ?? "") !== stableStringify(b["description"] ?? ""))
      docs.changed = true;
    follow(where, "request", schemaB);
  }

  // The request body.
  const bodyA = deref(before.operation["requestBody"], oldCtx);
  const bodyB = deref(after.operation["requestBody"], newCtx);
  if (isObject(bodyA) && !isObject(bodyB))
    out.push(detail("request-body-removed", "request body", "the request body was removed"));
  else if (!isObject(bodyA) && isObject(bodyB)) {
    out.push(
      detail(
        "request-body-added",
        "request body",
        `a request body was added (${bodyB["required"] === true ? "required" : "optional"})`,
      ),
    );
    for (const schema of mediaSchemas(bodyB).values()) follow("request body", "request", schema);
  } else if (isObject(bodyA) && isObject(bodyB)) {
    if (bodyA["required"] !== true && bodyB["required"] === true)
      out.push(
        detail("request-body-required-added", "request body", "the request body is now required"),
      );
    if (bodyA["required"] === true && bodyB["required"] !== true)
      out.push(
        detail("request-body-required-removed", "request body", "the request body is now optional"),
      );
    compareContent("request body", "request-body", "request", bodyA, bodyB, out, docs, follow);
  }

  // Responses: statuses, then every 2XX and 4XX body.
  const responses = (op: ResolvedOperation) =>
    isObject(op.operation["responses"]) ? op.operation["responses"] : {};
  const statusesA = Object.keys(responses(before));
  const statusesB = Object.keys(responses(after));
  const removed = statusesA.filter((s) => !statusesB.includes(s)).sort(byCodeUnit);
  const added = statusesB.filter((s) => !statusesA.includes(s)).sort(byCodeUnit);
  const success = (s: string) => /^2/.test(s);
  if (removed.filter(success).length === 1 && added.filter(success).length === 1) {
    const [from, to] = [removed.find(success)!, added.find(success)!];
    out.push(detail("response-status-changed", `response ${to}`, `success status ${from} → ${to}`));
    const a = deref(responses(before)[from], oldCtx);
    const b = deref(responses(after)[to], newCtx);
    if (isObject(a) && isObject(b))
      compareContent(`response ${to}`, "response", "response", a, b, out, docs, follow);
  } else {
    for (const s of removed)
      out.push(detail("response-status-removed", `response ${s}`, `status ${s} removed`));
    for (const s of added) {
      out.push(detail("response-status-added", `response ${s}`, `status ${s} added`));
      const b = deref(responses(after)[s], newCtx);
      if (isObject(b) && /^[24]/.test(s))
        for (const schema of mediaSchemas(b).values()) follow(`response ${s}`, "response", schema);
    }
  }
  for (const s of statusesA.filter((x) => statusesB.includes(x)).sort(byCodeUnit)) {
    if (!/^[24]/.test(s)) continue;
    const a = deref(responses(before)[s], oldCtx);
    const b = deref(responses(after)[s], newCtx);
    if (isObject(a) && isObject(b))
      compareContent(`response ${s}`, "response", "response", a, b, out, docs, follow);
  }
}

/** `content` of a request body or response: media type → schema. */
function mediaSchemas(object: JsonObject): Map<string, Json> {
  const content = isObject(object["content"]) ? object["content"] : {};
  const out = new Map<string, Json>();
  for (const [media, value] of Object.entries(content))
    if (isObject(value)) out.set(media, value["schema"] ?? {});
  return out;
}

function compareContent(
  where: string,
  prefix: "request-body" | "response",
  direction: Direction,
  a: JsonObject,
  b: JsonObject,
  out: OperationDetail[],
  docs: { changed: boolean },
  follow: (where: string, direction: Direction, schema: Json | undefined) => void,
): void {
  const before = mediaSchemas(a);
  const after = mediaSchemas(b);
  for (const media of [...before.keys()].filter((m) => !after.has(m)).sort(byCodeUnit))
    out.push(
      detail(`${prefix}-media-type-removed` as Rule, where, `media type ${code(media)} removed`),
    );
  for (const media of [...after.keys()].filter((m) => !before.has(m)).sort(byCodeUnit)) {
    out.push(
      detail(`${prefix}-media-type-added` as Rule, where, `media type ${code(media)} added`),
    );
    follow(where, direction, after.get(media));
  }
  for (const media of [...after.keys()].filter((m) => before.has(m)).sort(byCodeUnit)) {
    const schemaA = before.get(media)!;
    const schemaB = after.get(media)!;
    if (isObject(schemaA) && isObject(schemaB)) {
      const comparison = compareSchemas(where, schemaA, schemaB);
      if (comparison.kind === "docs") docs.changed = true;
      if (comparison.kind === "changed")
        for (const d of comparison.details) out.push(bodyDetail(prefix, where, d, undefined));
    }
    follow(where, direction, schemaB);
  }
  if (stableStringify(a["description"] ?? "") !== stableStringify(b["description"] ?? ""))
    docs.changed = true;
}

/**
 * Follows the `$ref`s of a schema in the new set, breadth first, into every schema whose closure holds a change,
 * and reports each changed schema's details once per place (the first, shortest path that reaches it).
 */
function followRefs(
  where: string,
  direction: Direction,
  root: Json | undefined,
  ctx: Context,
  changes: SchemaChanges,
  reachesChange: ReadonlySet<string>,
  out: OperationDetail[],
  docs: { changed: boolean },
): void {
  if (root === undefined) return;
  const prefix =
    direction === "request"
      ? where.startsWith("request body")
        ? "request-body"
        : "request-parameter"
      : "response";
  const seen = new Set<string>();
  let queue: { schema: Json; path: string }[] = [{ schema: root, path: "$" }];
  while (queue.length > 0) {
    const next: typeof queue = [];
    for (const { schema, path } of queue)
      for (const site of refSites(schema, path)) {
        if (seen.has(site.name) || !reachesChange.has(site.name)) continue;
        seen.add(site.name);
        const change = changes.get(site.name);
        if (change?.change === "docs") docs.changed = true;
        if (change?.change === "changed")
          for (const d of change.details) {
            const rebased = { ...d, path: site.path + d.path.slice(1) } as Detail;
            out.push(
              prefix === "request-parameter"
                ? parameterDetail(where, where, rebased, site.name)
                : bodyDetail(prefix, where, rebased, site.name),
            );
          }
        const body = ctx.schemas.get(site.name);
        if (body) next.push({ schema: body, path: site.path });
      }
    queue = next;
  }
}

/** Every `$ref` to a named schema inside `schema`, with its path in compare.ts's notation. */
function refSites(schema: Json, path: string): { name: string; path: string }[] {
  const out: { name: string; path: string }[] = [];
  const visit = (node: Json, at: string) => {
    if (!isObject(node)) return;
    if (typeof node["$ref"] === "string") {
      const name = componentRefTokens(node["$ref"])?.[0];
      if (name !== undefined) out.push({ name, path: at });
    }
    if (isObject(node["properties"]))
      for (const [key, value] of Object.entries(node["properties"]).sort(([x], [y]) =>
        byCodeUnit(x, y),
      ))
        visit(value, at + segment(key));
    if (node["items"] !== undefined) visit(node["items"], `${at}[]`);
    if (isObject(node["additionalProperties"])) visit(node["additionalProperties"], `${at}[*]`);
    for (const keyword of ["oneOf", "anyOf", "allOf"]) {
      const branches = node[keyword];
      if (Array.isArray(branches))
        branches.forEach((branch, i) => visit(branch, `${at}<${keyword} ${i}>`));
    }
    if (node["not"] !== undefined) visit(node["not"], at);
  };
  visit(schema, path);
  return out;
}

/** The new set's schemas that are changed or reach a changed (or docs-changed) one. */
function reachingChanges(
  schemas: readonly ResolvedSchema[],
  changes: SchemaChanges,
): ReadonlySet<string> {
  const referrers = new Map<string, string[]>();
  for (const s of schemas)
    for (const target of s.refersTo)
      referrers.set(target, [...(referrers.get(target) ?? []), s.name]);
  const out = new Set<string>();
  const queue = [...changes.keys()];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (out.has(name)) continue;
    out.add(name);
    queue.push(...(referrers.get(name) ?? []));
  }
  return out;
}

function parameterDetail(
  where: string,
  label: string,
  d: Detail,
  through?: string,
): OperationDetail {
  const inner = d.path === "$" || d.path === "$[]" ? "" : ` at ${code(d.path)}`;
  const via = through === undefined ? "" : ` (in schema ${code(through)})`;
  const head = label === where ? code(where) : label;
  switch (d.kind) {
    case "enum-value-removed":
      return detail(
        "request-parameter-enum-value-removed",
        where,
        `${head}: value ${value(d.value)} removed${inner}${via}`,
      );
    case "enum-value-added":
      return detail(
        "request-parameter-enum-value-added",
        where,
        `${head}: value ${value(d.value)} added${inner}${via}`,
      );
    case "type-changed":
      return detail(
        "request-parameter-type-changed",
        where,
        `${head}: type ${code(d.from)} → ${code(d.to)}${inner}${via}`,
      );
    default:
      return detail(
        "request-parameter-schema-changed",
        where,
        `${head}: ${describeInline(d)}${via}`,
      );
  }
}

function bodyDetail(
  prefix: "request-body" | "response",
  where: string,
  d: Detail,
  through: string | undefined,
): OperationDetail {
  const suffix: Record<Detail["kind"], string> = {
    "property-added": "property-added",
    "property-removed": "property-removed",
    "required-added": "property-required-added",
    "required-removed": "property-required-removed",
    "nullable-added": "property-nullable-added",
    "nullable-removed": "property-nullable-removed",
    "enum-value-added": "property-enum-value-added",
    "enum-value-removed": "property-enum-value-removed",
    "type-changed": "property-type-changed",
    "ref-changed": "property-type-changed",
    "variant-added": "property-variant-added",
    "variant-removed": "property-variant-removed",
    "keyword-added": "property-keyword-changed",
    "keyword-removed": "property-keyword-changed",
    "keyword-changed": "property-keyword-changed",
  };
  const via = through === undefined ? "" : ` (in schema ${code(through)})`;
  return detail(
    `${prefix}-${suffix[d.kind]}` as Rule,
    `${where} ${d.path}`,
    `${where}: ${describeInline(d)}${via}`,
  );
}

/** A compare.ts detail as a short phrase. */
function describeInline(d: Detail): string {
  const at = code(d.path);
  switch (d.kind) {
    case "property-added":
      return `${at} added (${d.required ? "required" : "optional"})`;
    case "property-removed":
      return `${at} removed (was ${d.required ? "required" : "optional"})`;
    case "required-added":
      return `${at} now required`;
    case "required-removed":
      return `${at} now optional`;
    case "nullable-added":
      return `${at} now nullable`;
    case "nullable-removed":
      return `${at} no longer nullable`;
    case "enum-value-added":
      return `${at} gained ${value(d.value)}`;
    case "enum-value-removed":
      return `${at} lost ${value(d.value)}`;
    case "type-changed":
      return `${at} type ${code(d.from)} → ${code(d.to)}`;
    case "ref-changed":
      return `${at} schema ${code(d.from)} → ${code(d.to)}`;
    case "variant-added":
      return `${at} ${d.keyword} branch added: ${code(d.variant)}`;
    case "variant-removed":
      return `${at} ${d.keyword} branch removed: ${code(d.variant)}`;
    case "keyword-added":
      return `${at} ${code(d.keyword)} added: ${value(d.value)}`;
    case "keyword-removed":
      return `${at} ${code(d.keyword)} removed (was ${value(d.value)})`;
    case "keyword-changed":
      return `${at} ${code(d.keyword)} ${value(d.from)} → ${value(d.to)}`;
  }
}

function detail(rule: Rule, where: string, text: string): OperationDetail {
  return { rule, where, text };
}

function call(o: ResolvedOperation): string {
  return code(`${o.method.toUpperCase()} ${o.route}`);
}

function segment(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/** Deterministic order of one operation's details: by rule order, then where, then text. */
export function sortOperationDetails(details: readonly OperationDetail[]): OperationDetail[] {
  const unique = new Map(details.map((d) => [`${d.rule}\n${d.where}\n${d.text}`, d]));
  return [...unique.values()].sort(
    (x, y) =>
      RULES.indexOf(x.rule as Rule) - RULES.indexOf(y.rule as Rule) ||
      byCodeUnit(x.where, y.where) ||
      byCodeUnit(x.text, y.text),
  );
}
