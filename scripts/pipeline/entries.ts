/**
 * Stage 5b, entries: the formatted members → the files of the output, when the set has operations with tags.
 * Consumers import the root (`index.d.ts`, everything) or one entry per Klaviyo tag (`tags/<slug>.d.ts`, that
 * tag's operations and what they reach). Shared declarations live once, in modules under `shared/` that the
 * entries import, so that a type reached through two entries is one type, and an entry's compiler reads only its
 * own part of the catalog.
 *
 * How declarations are grouped into modules is the layout:
 * - `by-closure` (the default): one module per set of tags that reach a declaration, so an entry imports exactly
 *   the modules whose set holds its tag (about sixty modules for the 2026-07-15 document);
 * - `by-declaration`: one module per declaration (for measuring the choice; README, "Entry points");
 * - `one-file`: everything in `index.d.ts` and no tag entries, as for a set without operations.
 *
 * The members are formatted already; they keep the nesting they were formatted at (components' members four
 * spaces deep, the others two), and their references (`components["schemas"]["X"]`, `requestSchemas["X"]`,
 * `operations["id"]`) stay as printed: each module declares local `components`/`requestSchemas`/... types that
 * combine its own declarations with those of the modules it imports. What a member refers to is read off its
 * text, so the imports are exactly what the compiler will resolve. Frames (everything but the members) come out
 * with placeholders, for prettier, as chunks.ts does for the single file. Pure: no I/O, no prettier.
 */
import { createHash } from "node:crypto";
import {
  ALIASES_PLACEHOLDER,
  CONTAINER_DOCS,
  IN_COMPONENTS,
  placeholderLine,
  referencesOf,
  type Container,
  type PartId,
} from "./chunks.js";
import { SchemaError } from "./errors.js";
import { byCodeUnit } from "./json.js";
import type { LoadedOperation } from "./load.js";

export const LAYOUTS = ["by-closure", "by-declaration", "one-file"] as const;
export type Layout = (typeof LAYOUTS)[number];

export const TAGS_DIR = "tags";
export const SHARED_DIR = "shared";

/** A Klaviyo tag and the name of its entry: "Custom Objects" → "custom-objects". */
export interface Tag {
  name: string;
  slug: string;
}

type TaggedOperation = Pick<LoadedOperation, "operationId" | "route" | "path" | "operation">;

/**
 * Each operation's tags (OpenAPI `tags`: a list of strings), checked: a tag must give a non-empty slug, and
 * two tags must not give one slug. Operations without tags are in the root entry only.
 */
export function operationTags(operations: readonly TaggedOperation[]): Map<string, Tag[]> {
  const bySlug = new Map<string, { name: string; where: string }>();
  const result = new Map<string, Tag[]>();
  for (const o of operations) {
    const tags = o.operation["tags"];
    if (tags === undefined) {
      result.set(o.operationId, []);
      continue;
    }
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string"))
      throw new SchemaError(o.path, "/tags", "tags must be a list of strings");
    const own: Tag[] = [];
    for (const [i, name] of tags.entries()) {
      const slug = slugOf(name as string);
      if (slug === "")
        throw new SchemaError(
          o.path,
          `/tags/${i}`,
          `tag ${JSON.stringify(name)} has no letter or digit to name its entry by`,
        );
      const other = bySlug.get(slug);
      if (other && other.name !== name)
        throw new SchemaError(
          o.path,
          `/tags/${i}`,
          `tag ${JSON.stringify(name)} and tag ${JSON.stringify(other.name)} (${other.where}) both name the entry "${slug}"; rename one`,
        );
      if (!other) bySlug.set(slug, { name: name as string, where: o.path }); // the first, for messages
      if (!own.some((t) => t.slug === slug)) own.push({ name: name as string, slug });
    }
    result.set(o.operationId, own);
  }
  return result;
}

export function slugOf(tag: string): string {
  return tag
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** The layout a run uses: the one asked for, but one file when no operation has a tag (nothing to split by). */
export function effectiveLayout(
  asked: Layout | undefined,
  tags: ReadonlyMap<string, readonly Tag[]>,
): Layout {
  const tagged = [...tags.values()].some((t) => t.length > 0);
  return tagged ? (asked ?? "by-closure") : "one-file";
}

/** A formatted member with what it is. */
export interface Member extends PartId {
  text: string;
}

/** One output file before its frame is formatted: prettier formats `frame`, then spliceFrame() fills it. */
export interface PlannedFile {
  file: string;
  /** Unformatted, with one placeholder line per container that has members (chunks.ts). */
  frame: string;
  members: Map<Container, string[]>;
  /** Formatted alias statements (entries only); undefined for a shared module, which has none. */
  aliases?: string[];
}

const COMPONENT_CONTAINERS = [...IN_COMPONENTS];
/** The other containers a module can hold, with the name of the interface that holds them there. */
const TOP_CONTAINERS = {
  operations: "Operations",
  requestSchemas: "RequestSchemas",
  responseSchemas: "ResponseSchemas",
} as const satisfies Partial<Record<Container, string>>;
type TopContainer = keyof typeof TOP_CONTAINERS;

const keyOf = (id: PartId) => `${id.container}/${id.name}`;

export interface EntryInput {
  operations: readonly TaggedOperation[];
  tags: ReadonlyMap<string, readonly Tag[]>;
  /** Every member, formatted, in the order the single file lists them (chunks.ts partsOf). */
  members: readonly Member[];
  /** The formatted alias statement of each schema, by schema name. */
  aliases: ReadonlyMap<string, string>;
  /** The root's header (chunks.ts header()); the other files get their own. */
  rootHeader: string;
  layout: Exclude<Layout, "one-file">;
}

interface Module {
  name: string;
  file: string;
  tags: string[];
  members: Member[];
  /** containersIn(members), once every member is in. */
  containers?: Set<Container>;
}

/**
 * The root entry, one entry per tag, and the shared modules, with their frames unformatted. Which declarations
 * an entry holds is what its paths reach: a path is in the entry of every tag of its operations, and so is each
 * operation, schema, variant and component reachable from it through the references in the members' text.
 */
export function planEntries(input: EntryInput): PlannedFile[] {
  const memberKeys = input.members.map(keyOf);
  const byKey = new Set(memberKeys);
  const references = new Map(
    input.members.map((m, i) => [
      memberKeys[i]!,
      // A reference to itself stays: its module's local names must cover the member's own declaration too.
      referencesOf(m.text)
        .map(keyOf)
        .filter((key) => byKey.has(key)),
    ]),
  );
  const tagsOfRoute = new Map<string, Set<string>>();
  for (const o of input.operations) {
    const set = tagsOfRoute.get(o.route) ?? new Set<string>();
    for (const tag of input.tags.get(o.operationId) ?? []) set.add(tag.slug);
    tagsOfRoute.set(o.route, set);
  }
  const allTags = [...new Set([...tagsOfRoute.values()].flatMap((s) => [...s]))].sort(byCodeUnit);
  const tagName = new Map([...input.tags.values()].flat().map((t) => [t.slug, t.name] as const));

  // Which tags reach each member.
  const reachedBy = new Map<string, Set<string>>();
  const pathMembers = input.members.filter((m) => m.container === "paths");
  for (const tag of allTags) {
    const queue = pathMembers.filter((m) => tagsOfRoute.get(m.name)?.has(tag)).map(keyOf);
    const seen = new Set(queue);
    while (queue.length > 0) {
      const key = queue.pop()!;
      (reachedBy.get(key) ?? reachedBy.set(key, new Set()).get(key)!).add(tag);
      for (const next of references.get(key)!)
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
    }
  }
  const sortedTags = new Map<string, string[]>();
  const tagsOf = (m: Member) => {
    const key = keyOf(m);
    let tags = sortedTags.get(key);
    if (tags === undefined) {
      tags = [...(reachedBy.get(key) ?? [])].sort(byCodeUnit);
      sortedTags.set(key, tags);
    }
    return tags;
  };

  // Paths stay in the entries; every other member goes to one shared module.
  const modules = new Map<string, Module>();
  const moduleOf = new Map<string, Module>();
  for (const m of input.members) {
    if (m.container === "paths") continue;
    const tags = tagsOf(m);
    const name =
      input.layout === "by-declaration" ? declarationModuleName(m) : closureModuleName(tags);
    let module = modules.get(name);
    if (!module) {
      module = { name, file: `${SHARED_DIR}/${name}.d.ts`, tags, members: [] };
      modules.set(name, module);
    }
    module.members.push(m);
    moduleOf.set(keyOf(m), module);
  }
  const sortedModules = [...modules.values()].sort((a, b) => byCodeUnit(a.name, b.name));
  for (const module of sortedModules) module.containers = containersIn(module.members);

  const files: PlannedFile[] = [];
  for (const module of sortedModules) files.push(sharedFile(module, references, moduleOf));
  const paths = pathMembers;
  files.unshift(
    entryFile({
      file: "index.d.ts",
      header: input.rootHeader,
      fromEntryToShared: "./",
      paths,
      modules: sortedModules,
      aliases: [...input.aliases.values()],
    }),
  );
  for (const tag of allTags) {
    const own = sortedModules.filter((m) => m.tags.includes(tag));
    const schemas = new Set(
      own.flatMap((m) => m.members.filter((x) => x.container === "schemas").map((x) => x.name)),
    );
    const operationCount = input.operations.filter((o) =>
      input.tags.get(o.operationId)?.some((t) => t.slug === tag),
    ).length;
    files.push(
      entryFile({
        file: `${TAGS_DIR}/${tag}.d.ts`,
        header: [
          "/**",
          ` * Generated by klaviyo-schema-types: the entry for Klaviyo's "${tagName.get(tag)}" operations`,
          ` * (${operationCount} operation${operationCount === 1 ? "" : "s"}, ${schemas.size} schema${schemas.size === 1 ? "" : "s"} they reach), under the names the root entry uses.`,
          " */",
        ].join("\n"),
        fromEntryToShared: "../",
        paths: paths.filter((p) => tagsOf(p).includes(tag)),
        modules: own,
        aliases: [...input.aliases].filter(([name]) => schemas.has(name)).map(([, a]) => a),
      }),
    );
  }
  return files;
}

/** The module of a set of tags: its slugs joined by "+" (a slug never holds one), shortened when long. */
function closureModuleName(tags: readonly string[]): string {
  if (tags.length === 0) return "_untagged"; // a slug never starts with "_"
  const joined = tags.join("+");
  if (joined.length <= 60) return joined;
  return `${tags[0]}+${tags.length - 1}-more-${hash(joined)}`;
}

function declarationModuleName(m: Member): string {
  return `${m.container}.${hash(m.name)}`;
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

/** A module alias inside shared files: the module name with "-" as "_" and "+"/"." as "$" (no two alike). */
function aliasOf(module: Module): string {
  return `m_${module.name.replace(/-/g, "_").replace(/[+.]/g, "$")}`;
}

function containersIn(members: readonly Member[]): Set<Container> {
  return new Set(members.map((m) => m.container));
}

function byContainer(members: readonly Member[]): Map<Container, string[]> {
  const map = new Map<Container, string[]>();
  for (const m of members) {
    const list = map.get(m.container);
    if (list === undefined) map.set(m.container, [m.text]);
    else list.push(m.text);
  }
  return map;
}

function sharedFile(
  module: Module,
  references: ReadonlyMap<string, readonly string[]>,
  moduleOf: ReadonlyMap<string, Module>,
): PlannedFile {
  const own = module.containers!;
  // What the members refer to, by container, and the modules holding it.
  const referred = new Map<string, Set<Module>>(); // "components" | TopContainer → modules
  for (const m of module.members)
    for (const key of references.get(keyOf(m))!) {
      const container = key.slice(0, key.indexOf("/")) as Container;
      const group = IN_COMPONENTS.has(container) ? "components" : container;
      const target = moduleOf.get(key);
      if (!target) continue; // a path: never referred to by a member
      (referred.get(group) ?? referred.set(group, new Set()).get(group)!).add(target);
    }
  const imported = [...new Set([...referred.values()].flatMap((s) => [...s]))]
    .filter((m) => m !== module)
    .sort((a, b) => byCodeUnit(a.name, b.name));
  const lines = [
    "/**",
    " * Generated by klaviyo-schema-types: declarations shared by the entries of " +
      (module.tags.length === 0 ? "no tag (the root entry only)." : `${module.tags.join(", ")}.`),
    " */",
  ];
  for (const m of imported) lines.push(`import type * as ${aliasOf(m)} from "./${m.name}.js";`);
  lines.push("");
  const componentContainers = COMPONENT_CONTAINERS.filter((c) => own.has(c));
  if (componentContainers.length > 0) {
    lines.push("export interface Components {");
    for (const c of componentContainers) lines.push(`  ${c}: {`, placeholderLine(c), "  };");
    lines.push("}", "");
  }
  for (const [container, name] of Object.entries(TOP_CONTAINERS) as [TopContainer, string][]) {
    if (own.has(container))
      lines.push(`export interface ${name} {`, placeholderLine(container), "}", "");
  }
  // The local names the members' references use: this module's own declarations and the imported ones.
  const local = (
    group: "components" | TopContainer,
    exported: string,
    has: (m: Module) => boolean,
  ) => {
    const targets = referred.get(group);
    if (!targets) return;
    const parts = [...targets]
      .filter(has)
      .sort((a, b) => byCodeUnit(a.name, b.name))
      .map((m) => (m === module ? exported : `${aliasOf(m)}.${exported}`));
    lines.push(`type ${group} = ${parts.join(" & ")};`);
  };
  local("components", "Components", (m) => COMPONENT_CONTAINERS.some((c) => m.containers!.has(c)));
  for (const [container, name] of Object.entries(TOP_CONTAINERS) as [TopContainer, string][])
    local(container, name, (m) => m.containers!.has(container));
  return {
    file: module.file,
    frame: lines.join("\n") + "\n",
    members: byContainer(module.members),
  };
}

function entryFile(entry: {
  file: string;
  header: string;
  fromEntryToShared: string;
  paths: readonly Member[];
  modules: readonly Module[];
  aliases: string[];
}): PlannedFile {
  const specifier = (m: Module) =>
    `import("${entry.fromEntryToShared}${m.file.replace(/\.d\.ts$/, ".js")}")`;
  const having = (container: Container) =>
    entry.modules.filter((m) => m.members.some((x) => x.container === container));
  const lines = [entry.header];
  if (entry.paths.length > 0)
    lines.push("export interface paths {", placeholderLine("paths"), "}", "");
  lines.push("export interface components {");
  for (const c of [...COMPONENT_CONTAINERS, "pathItems"] as const) {
    const holders = c === "pathItems" ? [] : having(c);
    lines.push(
      holders.length === 0
        ? `  ${c}: never;`
        : `  ${c}: ${holders.map((m) => `${specifier(m)}.Components[${JSON.stringify(c)}]`).join(" & ")};`,
    );
  }
  lines.push("}", "");
  for (const [container, name] of Object.entries(TOP_CONTAINERS) as [TopContainer, string][]) {
    const holders = having(container);
    if (holders.length === 0) continue;
    const doc = CONTAINER_DOCS[container];
    if (doc) lines.push(doc);
    lines.push(
      `export type ${container} = ${holders.map((m) => `${specifier(m)}.${name}`).join(" & ")};`,
      "",
    );
  }
  lines.push(ALIASES_PLACEHOLDER, "");
  return {
    file: entry.file,
    frame: lines.join("\n"),
    members: entry.paths.length > 0 ? byContainer(entry.paths) : new Map(),
    aliases: entry.aliases,
  };
}
