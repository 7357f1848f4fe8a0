/**
 * The whole pipeline as one function from schema files to output files: load → resolve → normalise →
 * emit → format. Reading the folder and writing the output stay in the CLI.
 *
 * The declaration file is emitted and formatted in parts (chunks.ts): one member of its container per schema,
 * path, operation, component and direction variant, the frame around them, and the alias lines. That lets formatting, most of a run's time, spread
 * over worker threads, and lets an optional cache (cache.ts) skip whatever did not change: a whole run when
 * no input changed, or every member but the changed ones. Heavy modules (TypeScript, openapi-typescript,
 * prettier, json-schema-ref-parser) are imported only when a run needs them.
 */
import { basename, resolve } from "node:path";
import { hashOf, type GenerateCache } from "./cache.js";
import {
  aliasInPrettierForm,
  aliasLines,
  ChunkError,
  containersOf,
  finishMember,
  frameText,
  header,
  partsOf,
  pathMemberText,
  planMember,
  splitAliases,
  spliceFrame,
  splitFragments,
  wrapAliases,
  wrapFragments,
  type Container,
  type EmitInput,
  type MemberPlan,
  type NamedOperation,
  type PartId,
} from "./chunks.js";
import { ownHash } from "./direction.js";
import type { EmittedPart, PartEmitter } from "./emit.js";
import {
  effectiveLayout,
  operationTags,
  planEntries,
  TAGS_DIR,
  type Layout,
  type Tag,
} from "./entries.js";
import { byCodeUnit, jsonTextAt } from "./json.js";
import type { SchemaFile } from "./load.js";
import type { NormalizedSet } from "./normalize.js";
import { createPool, type Pool } from "./pool.js";
import { prepareSchemaSet, type PreparedSet } from "./prepare.js";

export const ENTRY_FILE = "index.d.ts";
/**
 * Two small companions make the declarations resolve in every module mode (attw and publint clean):
 * package.json declares the folder CommonJS-format, as @types packages are, so `require`-mode (node16 CJS)
 * consumers can import it although the repository is ESM; index.d.mts gives the "import" condition an
 * ESM-format entry with the same types.
 */
export const FORMAT_FILE = "package.json";
export const FORMAT_FILE_TEXT = '{\n  "type": "commonjs"\n}\n';
export const ESM_ENTRY_FILE = "index.d.mts";
export const ESM_ENTRY_TEXT = esmEntryText("index");

/** The ESM companion of entry `<name>.d.ts`: the same types for the "import" condition. */
export function esmEntryText(name: string): string {
  return `// ESM entry for the "import" condition: the same types as ${name}.d.ts.\nexport type * from "./${name}.js";\n`;
}

export interface GenerateResult {
  files: Map<string, string>;
  schemaCount: number;
  /** Operations emitted (0 for a set of schemas only). */
  operationCount: number;
  refCount: number;
  /** What came from the cache: the whole run, or this many of the schemas' members. */
  reused?: { run: boolean; members: number };
}

export interface GenerateOptions {
  /** Results of earlier runs to reuse, and to add this run's to; none by default. */
  cache?: GenerateCache;
  /** Worker threads for formatting when many members need it; 0 (the default) formats in this thread. */
  threads?: number;
  /** Told when a run had to take a slower path, e.g. formatting the whole file at once. */
  warn?: (line: string) => void;
  /** What prepareSchemaSet made of these same files, when the caller has it already (conformance does). */
  prepared?: PreparedSet;
  /**
   * How a set with tagged operations is split into entry points (entries.ts); `by-closure` by default. A set
   * without tagged operations is always one file.
   */
  layout?: Layout;
  /**
   * Worker threads the caller started (startWorkers(), with the same cache and threads) before it read the
   * files, so that they load TypeScript meanwhile; closed here, used or not.
   */
  workers?: Pool;
}

/**
 * The worker threads a run will want, started now: with parts of an earlier run at hand, the run will make few
 * (one worker, with prettier too); otherwise the workers emit everything and this thread lays out what they give
 * back (declarationFiles). None with `threads` 0.
 */
export function startWorkers(cache: GenerateCache | undefined, threads: number): Pool | undefined {
  if (threads === 0) return undefined;
  return cache?.warm
    ? createPool(1, { preload: true })
    : createPool(threads, { preload: "emitter" });
}

/** Below this many members to make, worker threads cost more than they save (an incremental run). */
const PARALLEL_MIN_MEMBERS = 100;
/** Members emitted between looks at the pool, by unformatted size. */
const BATCH_CHARS = 24_000;
/** Parts per request to a worker's emitter: small enough that this thread gets work back early and often. */
const EMIT_BATCH_PARTS = 32;
/** Fragments per prettier call, by unformatted size: large enough that per-call overhead is small. */
const FRAGMENT_BATCH_CHARS = 8_000;

export async function generateFromFiles(
  dir: string,
  files: readonly SchemaFile[],
  source: string = basename(resolve(dir)),
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const { cache } = options;
  let runKey = "";
  let cached: ReturnType<GenerateCache["getRun"]>;
  try {
    runKey = cache ? runCacheKey(dir, source, files, options.layout) : "";
    cached = cache?.getRun(runKey);
  } catch (error) {
    void options.workers?.close();
    throw error;
  }
  if (cached) {
    void options.workers?.close(); // not needed after all
    return {
      files: new Map(cached.files),
      schemaCount: cached.schemaCount,
      operationCount: cached.operationCount,
      refCount: cached.refCount,
      reused: { run: true, members: cached.schemaCount },
    };
  }
  // Workers load TypeScript while this thread reads and resolves the set.
  const preloaded = options.workers ?? startWorkers(cache, options.threads ?? 0);
  try {
    const { resolved, normalized } =
      options.prepared ?? (await prepareSchemaSet(dir, files, cache));
    const tags = operationTags(normalized.operations); // bad tags are an error before any work
    const layout = effectiveLayout(options.layout, tags);
    const declarations = await declarationFiles(
      normalized,
      source,
      options,
      preloaded,
      layout === "one-file" ? undefined : { layout, tags },
    ).catch(async (error: unknown) => {
      // Entry points are spliced from parts only; a part in a shape chunks.ts does not expect is a bug there.
      if (!(error instanceof ChunkError) || layout !== "one-file") throw error;
      // A part came back in a shape chunks.ts does not expect: format the file in one piece instead.
      options.warn?.(`generate: ${error.message}; formatting the whole file at once instead`);
      const [{ emitDeclarations }, { formatDeclarations }] = await Promise.all([
        import("./emit.js"),
        import("./format.js"),
      ]);
      return {
        files: new Map([
          [ENTRY_FILE, await formatDeclarations(await emitDeclarations(normalized, { source }))],
        ]),
        reusedMembers: 0,
      };
    });
    const result: GenerateResult = {
      files: withCompanions(declarations.files),
      schemaCount: normalized.schemas.length,
      operationCount: normalized.operations.length,
      refCount: resolved.refCount,
      reused: { run: false, members: declarations.reusedMembers },
    };
    cache?.putRun(runKey, {
      files: [...result.files],
      schemaCount: result.schemaCount,
      operationCount: result.operationCount,
      refCount: result.refCount,
    });
    return result;
  } finally {
    // Not awaited: the worker exits while this thread saves and writes (Node waits for it before exiting).
    void preloaded?.close();
  }
}

/**
 * The declaration files with the two companions of each entry (ESM_ENTRY_FILE for the root, `<slug>.d.mts` for a
 * tag's), root first, then in code-unit order.
 */
function withCompanions(declarations: ReadonlyMap<string, string>): Map<string, string> {
  const files = new Map<string, string>([
    [ENTRY_FILE, declarations.get(ENTRY_FILE)!],
    [ESM_ENTRY_FILE, ESM_ENTRY_TEXT],
    [FORMAT_FILE, FORMAT_FILE_TEXT],
  ]);
  const rest = new Map<string, string>();
  for (const [file, text] of declarations) {
    if (file === ENTRY_FILE) continue;
    rest.set(file, text);
    const entry = new RegExp(`^${TAGS_DIR}/([^/]+)\\.d\\.ts$`).exec(file);
    if (entry) rest.set(`${TAGS_DIR}/${entry[1]}.d.mts`, esmEntryText(entry[1]!));
  }
  for (const file of [...rest.keys()].sort(byCodeUnit)) files.set(file, rest.get(file)!);
  return files;
}

/**
 * Everything a run's output depends on: the folder name, the source label, the layout asked for, and every
 * file's name and text.
 */
function runCacheKey(
  dir: string,
  source: string,
  files: readonly SchemaFile[],
  layout: Layout | undefined,
): string {
  const sorted = [...files].sort((a, b) => byCodeUnit(a.fileName, b.fileName));
  return hashOf(
    "run",
    dir,
    source,
    layout ?? "default",
    String(sorted.length),
    ...sorted.flatMap((f) => [f.fileName, f.text]),
  );
}

/**
 * Emits and formats the declaration file in parts, reusing cached parts. Few parts to make: one request
 * to the emitter (in the preloaded worker, or here), then prettier there. Many: the workers emit batch by
 * batch (or, without workers, this thread does) while this thread lays out each batch that comes back and
 * formats the fragments that need prettier (chunks.ts). With `entries`, the formatted parts are then split into
 * entry points and shared modules (entries.ts), whose frames prettier formats last; without, they make the one
 * file.
 */
async function declarationFiles(
  set: NormalizedSet,
  source: string,
  options: GenerateOptions,
  preloaded: Pool | undefined,
  entries: { layout: Exclude<Layout, "one-file">; tags: Map<string, Tag[]> } | undefined,
): Promise<{ files: Map<string, string>; reusedMembers: number }> {
  const { cache } = options;
  const aliases = aliasLines(set); // first: two schemas with one type name is an error before any work
  const parts = partsOf(set);
  const headerText = header(set, { source });
  const frameRaw = frameText(headerText, containersOf(parts));
  const frameKey = hashOf("frame", frameRaw);
  const keys = cache ? partKeys(set, parts) : undefined;
  const keyOf = (id: PartId) => `${id.container}/${id.name}`;

  const members: (string | undefined)[] = parts.map((id) => {
    const key = keys?.get(keyOf(id));
    const hit = key ? cache!.getMember(key.key) : undefined;
    if (hit === undefined || typeof hit.text !== "string") return undefined;
    if (hit.closure !== undefined && hit.closure !== key!.closure()) return undefined;
    return hit.text;
  });
  const formattedAliases: (string | undefined)[] = aliases.map(
    (line) => aliasInPrettierForm(line) ?? cache?.getPart(hashOf("alias", line)),
  );
  // Entry points have frames of their own (assemble), so the single file's is not needed.
  let frame = entries ? "" : cache?.getPart(frameKey);
  const missing = parts.filter((_, i) => members[i] === undefined);
  const reusedMembers = parts.length - missing.length;
  const assemble = async (
    format: (text: string) => Promise<string>,
  ): Promise<Map<string, string>> => {
    if (!entries) {
      const byContainer = new Map<Container, string[]>();
      parts.forEach((id, i) => {
        const list = byContainer.get(id.container) ?? [];
        list.push(members[i]!);
        byContainer.set(id.container, list);
      });
      return new Map([
        [ENTRY_FILE, spliceFrame(frame!, byContainer, formattedAliases as string[])],
      ]);
    }
    const planned = planEntries({
      operations: set.operations,
      tags: entries.tags,
      members: parts.map((id, i) => ({ ...id, text: members[i]! })),
      aliases: new Map(set.schemas.map((s, i) => [s.name, formattedAliases[i]!])),
      rootHeader: headerText,
      layout: entries.layout,
    });
    const frames = await Promise.all(
      planned.map(async (file) => {
        const key = hashOf("frame", file.frame);
        const cached = cache?.getPart(key);
        if (cached !== undefined) return cached;
        const formatted = await format(file.frame);
        cache?.putPart(key, formatted);
        return formatted;
      }),
    );
    return new Map(
      planned.map((file, i) => [file.file, spliceFrame(frames[i]!, file.members, file.aliases)]),
    );
  };
  if (
    missing.length === 0 &&
    frame !== undefined &&
    formattedAliases.every((a) => a !== undefined)
  ) {
    // Every part from the cache; prettier loads only if an entry's frame is not cached too.
    const formatInThread = async (text: string) =>
      (await import("./format.js")).formatDeclarations(text);
    return { files: await assemble(formatInThread), reusedMembers };
  }

  // Members of `paths` need no emitter (chunks.ts: pathMemberText()): this thread makes them.
  const routes = new Map<string, NamedOperation[]>();
  for (const o of set.operations) routes.set(o.route, [...(routes.get(o.route) ?? []), o]);
  const direct: EmittedPart[] = [];
  const toEmit: PartId[] = [];
  for (const id of missing) {
    const text = id.container === "paths" ? pathMemberText(routes.get(id.name) ?? []) : undefined;
    if (text === undefined) toEmit.push(id);
    else direct.push({ ...id, text, readsOthers: false });
  }
  const few = toEmit.length < PARALLEL_MIN_MEMBERS;
  const pool = preloaded ?? createPool(few ? 0 : (options.threads ?? 0));
  // Where prettier runs: with few parts, where they were emitted; with many, in this thread, which is free
  // while the workers emit (and the workers need not load prettier at all).
  const formatter = few || pool.threads === 0 ? pool : createPool(0);
  const index = new Map(parts.map((id, i) => [keyOf(id), i]));
  const work: Promise<void>[] = [];
  // Awaited together below; until then a failure must not count as unhandled.
  const track = (job: Promise<void>) => {
    job.catch(() => {});
    work.push(job);
  };
  const finish = (part: EmittedPart, formatted: string) => {
    members[index.get(keyOf(part))!] = formatted;
    const key = keys?.get(keyOf(part));
    if (key)
      cache!.putMember(
        key.key,
        part.readsOthers ? { text: formatted, closure: key.closure() } : { text: formatted },
      );
  };
  // Members waiting for prettier's layout of their fragments, sent a batch at a time.
  let pending: { part: EmittedPart; plan: MemberPlan }[] = [];
  let pendingChars = 0;
  const flush = () => {
    if (pending.length === 0) return;
    const waiting = pending;
    pending = [];
    pendingChars = 0;
    const fragments = waiting.flatMap((w) => w.plan.fragments);
    track(
      formatter.format(wrapFragments(fragments)).then((text) => {
        const formatted = splitFragments(text, fragments);
        let at = 0;
        for (const { part, plan } of waiting) {
          finish(part, finishMember(plan, formatted.slice(at, at + plan.fragments.length)));
          at += plan.fragments.length;
        }
      }),
    );
  };
  /** Lays out what needs no prettier at once; the fragments that do go to the pool in batches. */
  const formatMembers = (container: Container, batch: readonly EmittedPart[]) => {
    for (const part of batch) {
      const plan = planMember(container, part.text);
      if (plan.fragments.length === 0) finish(part, finishMember(plan, []));
      else {
        pending.push({ part, plan });
        for (const fragment of plan.fragments) pendingChars += fragment.text.length;
      }
    }
    if (pendingChars >= FRAGMENT_BATCH_CHARS) flush();
  };
  try {
    const emitted: Promise<void>[] = [];
    if (!few && pool.threads > 0) {
      // All batches at once: each worker takes the next when it is done with one, and gets the set with its
      // first. This thread lays each out as it comes back.
      const input = emitInput(set);
      for (let at = 0; at < toEmit.length; at += EMIT_BATCH_PARTS) {
        const job = pool
          .emit({ input, parts: toEmit.slice(at, at + EMIT_BATCH_PARTS) })
          .then((reply) => {
            for (const [container, batch] of byContainer(reply.parts))
              formatMembers(container, batch);
          });
        track(job);
        emitted.push(job);
      }
    }
    // The frame and the aliases need no emitter: they go first, while the emitter loads.
    if (frame === undefined && !entries)
      track(
        formatter.format(frameRaw).then((formatted) => {
          frame = formatted;
          cache?.putPart(frameKey, formatted);
        }),
      );
    const aliasIndexes = aliases.flatMap((_, i) => (formattedAliases[i] === undefined ? [i] : []));
    if (aliasIndexes.length > 0) {
      const lines = aliasIndexes.map((i) => aliases[i]!);
      track(
        formatter.format(wrapAliases(lines)).then((text) => {
          splitAliases(text, lines.length).forEach((formatted, j) => {
            formattedAliases[aliasIndexes[j]!] = formatted;
            cache?.putPart(hashOf("alias", lines[j]!), formatted);
          });
        }),
      );
    }
    if (direct.length > 0) formatMembers("paths", direct);
    if (few) {
      if (toEmit.length > 0) {
        const reply = await pool.emit({ input: emitContext(set, toEmit, keys), parts: toEmit });
        for (const [container, batch] of byContainer(reply.parts)) formatMembers(container, batch);
      }
    } else if (pool.threads > 0) {
      await Promise.all(emitted);
    } else {
      const { createEmitter } = await import("./emit.js");
      const emitter = createEmitter(set);
      for (const [container, batch] of batches(emitter, toEmit)) {
        formatMembers(container, batch);
        // Let finished chunks come back from the threads while this thread emits the next.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    flush();
    await Promise.all(work);
    return { files: await assemble((text) => formatter.format(text)), reusedMembers };
  } finally {
    if (pool !== preloaded) void pool.close(); // as above
    if (formatter !== pool) void formatter.close();
  }
}

/** What a worker needs of the set to emit from it: the rest need not be copied to it. */
function emitInput(set: NormalizedSet): EmitInput {
  return {
    schemas: set.schemas.map(({ name, schema }) => ({ name, schema })),
    variants: {
      request: set.variants.request.map(({ name, schema }) => ({ name, schema })),
      response: set.variants.response.map(({ name, schema }) => ({ name, schema })),
    },
    operations: set.operations.map(({ operationId, route, method, operation }) => ({
      operationId,
      route,
      method,
      operation,
    })),
    components: set.components.map(({ kind, name, body }) => ({ kind, name, body })),
  };
}

function byContainer(parts: readonly EmittedPart[]): Map<Container, EmittedPart[]> {
  const groups = new Map<Container, EmittedPart[]>();
  for (const part of parts)
    groups.set(part.container, [...(groups.get(part.container) ?? []), part]);
  return groups;
}

/** Emits the parts, a batch of about BATCH_CHARS of one container at a time. */
function* batches(
  emitter: PartEmitter,
  ids: readonly PartId[],
): Generator<[Container, EmittedPart[]]> {
  let batch: EmittedPart[] = [];
  let size = 0;
  for (const id of ids) {
    if (batch.length > 0 && batch[0]!.container !== id.container) {
      yield [batch[0]!.container, batch];
      batch = [];
      size = 0;
    }
    const part = emitter.part(id);
    batch.push(part);
    size += part.text.length;
    if (size >= BATCH_CHARS) {
      yield [part.container, batch];
      batch = [];
      size = 0;
    }
  }
  if (batch.length > 0) yield [batch[0]!.container, batch];
}

/**
 * What the emitter needs for `parts`: for schema members and their variants, those schemas and every schema they
 * reach through $refs, which is all openapi-typescript's `ctx.resolve` can read; the whole set when a path,
 * operation or component is among them (their typing reads components and variants too), or when no cache told us.
 */
function emitContext(
  set: NormalizedSet,
  parts: readonly PartId[],
  keys: PartKeys | undefined,
): EmitInput {
  const schemaParts = new Set<Container>(["schemas", "requestSchemas", "responseSchemas"]);
  if (keys === undefined || parts.some((p) => !schemaParts.has(p.container))) return set;
  const reach = reachable(
    set,
    parts.map((p) => p.name),
  );
  return {
    schemas: set.schemas.filter((s) => reach.has(s.name)),
    variants: {
      request: set.variants.request.filter((s) => reach.has(s.name)),
      response: set.variants.response.filter((s) => reach.has(s.name)),
    },
    operations: [],
    components: [],
  };
}

/** Each set's schemas' refersTo by name, made once per set (reachable() is asked once per part). */
const REFERS_TO = new WeakMap<NormalizedSet, Map<string, readonly string[]>>();

function reachable(set: NormalizedSet, from: readonly string[]): Set<string> {
  let refersTo = REFERS_TO.get(set);
  if (refersTo === undefined) {
    refersTo = new Map(set.schemas.map((s) => [s.name, s.refersTo]));
    REFERS_TO.set(set, refersTo);
  }
  const seen = new Set(from);
  const queue = [...from];
  while (queue.length > 0) {
    for (const next of refersTo.get(queue.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

type PartKeys = Map<string, PartKey>;

interface PartKey {
  /** Hash of the part's own input. */
  key: string;
  /** Hash of every schema the part can reach through $refs, for parts whose typing read other parts. */
  closure: () => string;
}

/**
 * A part's typing depends on its own input (a schema, a variant, a component, an operation, or a path's
 * operations), and on other parts only through openapi-typescript's `ctx.resolve` (recorded per part as
 * `readsOthers`, then checked against everything the part can reach: the schemas, and for operations the
 * components). Discriminators, which openapi-typescript would gather from the whole document, are already
 * narrowed branches of the schema that declares them (normalize.ts).
 */
function partKeys(set: NormalizedSet, parts: readonly PartId[]): PartKeys {
  const own = new Map(set.schemas.map((s) => [s.name, ownHash(s)]));
  const inputs = new Map<string, string>();
  for (const s of set.schemas) inputs.set(`schemas/${s.name}`, own.get(s.name)!);
  for (const direction of ["request", "response"] as const)
    for (const s of set.variants[direction])
      inputs.set(`${direction}/${s.name}`, hashOf(direction, s.name, jsonTextAt(s, "schema")));
  for (const c of set.components)
    inputs.set(`${c.kind}/${c.name}`, hashOf(c.kind, c.name, jsonTextAt(c, "body")));
  for (const o of set.operations) {
    const text = hashOf("operation", o.operationId, o.route, o.method, jsonTextAt(o, "operation"));
    inputs.set(`operations/${o.operationId}`, text);
    inputs.set(`paths/${o.route}`, hashOf(inputs.get(`paths/${o.route}`) ?? "path", text));
  }
  // Operations can read components (ctx.resolve of a $ref'd response or parameter): their closure covers them.
  const components = hashOf(
    "components",
    ...set.components.map((c) => inputs.get(`${c.kind}/${c.name}`)!),
  );
  const closure = (id: PartId) =>
    hashOf(
      "closure",
      id.container === "operations" || id.container === "paths" ? components : "",
      ...[...reachable(set, [id.name])].sort(byCodeUnit).map((n) => own.get(n) ?? "(absent)"),
    );
  return new Map(
    parts.map((id) => {
      const container =
        id.container === "requestSchemas"
          ? "request"
          : id.container === "responseSchemas"
            ? "response"
            : id.container;
      const input = inputs.get(`${container}/${id.name}`) ?? "(absent)";
      return [
        `${id.container}/${id.name}`,
        { key: hashOf("member", id.container, input), closure: () => closure(id) },
      ];
    }),
  );
}
