/**
 * Catalog scale: the whole upstream set (1,194 schemas) generates, compiles under --strict with
 * skipLibCheck off, and gives the same bytes in any file order; so does the 2026-07-15 document with its
 * 345 operations.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENTRY_FILE, generateFromFiles } from "../scripts/pipeline/generate.js";
import { readSchemaFolder } from "../scripts/pipeline/load.js";
import { splitOpenApiLayout } from "../scripts/pipeline/openapi-split.js";
import { writeOutput } from "../scripts/pipeline/write.js";
import { tempDir } from "./helpers/cli.js";
import { filesUnder, STRICT_OPTIONS, typecheck } from "./helpers/typecheck.js";
import {
  UPSTREAM_OPENAPI,
  UPSTREAM_SET,
  describeWithUpstream,
  hasUpstreamOpenApi,
  hasUpstreamSet,
} from "./helpers/upstream.js";

/**
 * Every `$ref` beside `nullable: true` in the upstream files, as "property: Target", read from the JSON
 * itself (not through the pipeline). A site that is not a property says where it is instead.
 */
function nullableRefSites(dir: string): string[] {
  const sites: string[] = [];
  const walk = (node: unknown, path: string[], file: string): void => {
    if (Array.isArray(node))
      return node.forEach((item, i) => walk(item, [...path, String(i)], file));
    if (node === null || typeof node !== "object") return;
    const object = node as Record<string, unknown>;
    if (typeof object["$ref"] === "string" && object["nullable"] === true) {
      const target = /^#\/components\/schemas\/([^/]+)$/.exec(object["$ref"])?.[1];
      sites.push(
        path.at(-2) === "properties" && target !== undefined
          ? `${path.at(-1)}: ${target}`
          : `${file}: /${path.join("/")}: not a property $ref`,
      );
    }
    for (const [key, value] of Object.entries(object)) walk(value, [...path, key], file);
  };
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")))
    walk(JSON.parse(readFileSync(join(dir, file), "utf8")), [], file);
  return sites.sort();
}

describeWithUpstream("the whole upstream set", UPSTREAM_SET, hasUpstreamSet, () => {
  let declarations = "";
  let out = "";
  let files = new Map<string, string>();

  beforeAll(async () => {
    // No cache: a cold run, as is the reversed one below.
    const result = await generateFromFiles(UPSTREAM_SET, readSchemaFolder(UPSTREAM_SET));
    expect(result.schemaCount).toBe(1194);
    files = result.files;
    out = join(tempDir(), "generated");
    writeOutput(out, result.files);
    declarations = readFileSync(join(out, ENTRY_FILE), "utf8");
  });

  test("one alias per schema, and the recursive Step refers to itself", () => {
    expect(declarations.match(/^export type \w+ =\s+components\["schemas"\]/gm)).toHaveLength(1194);
    expect(declarations).toMatch(/^export type Step =/m);
    // Inside Step's own member, not merely its alias line.
    const step = /^ {4}Step: \{\n[\s\S]*?\n {4}\};$/m.exec(declarations)?.[0];
    expect(step).toContain('\n      steps?: components["schemas"]["Step"][] | null;\n');
  });

  test("compiles with tsc --strict, skipLibCheck off", () => {
    const consumer = join(out, "..", "consumer.ts");
    writeFileSync(
      consumer,
      `import type { components, PostCatalogItemCreateJobResponse } from "./generated/index.js";\nexport type All = components["schemas"];\nexport type Seed = PostCatalogItemCreateJobResponse;\n`,
    );
    const diagnostics = typecheck(
      { [join(out, ENTRY_FILE)]: declarations, [consumer]: readFileSync(consumer, "utf8") },
      { ...STRICT_OPTIONS, skipLibCheck: false },
    );
    expect(diagnostics).toEqual([]);
  });

  test("nullable beside $ref survives at scale: one `| null` per upstream site, on its property", () => {
    const sites = nullableRefSites(UPSTREAM_SET);
    expect(sites).toHaveLength(209);
    // Each property typed as a reference that admits null (prettier may break the line after the colon).
    const declared = [
      ...declarations.matchAll(
        /^\s*(?:readonly\s+)?("(?:[^"\\]|\\.)*"|'[^']*'|[\w$]+)\??:\s+components\["schemas"\]\["([^"]+)"\] \| null;$/gm,
      ),
    ].map(([, key, target]) => `${/^["']/.test(key!) ? key!.slice(1, -1) : key}: ${target}`);
    expect(declared.sort()).toEqual(sites);
    // And no `| null` beside a reference anywhere else (an array item, a union).
    expect(declarations.match(/components\["schemas"\]\["[^"]+"\] \| null/g)).toHaveLength(209);
  });

  test("deterministic: reversed file order gives the same bytes", async () => {
    const reversed = await generateFromFiles(
      UPSTREAM_SET,
      [...readSchemaFolder(UPSTREAM_SET)].reverse(),
    );
    expect(reversed.files.get(ENTRY_FILE)).toBe(declarations);
    expect(reversed.files).toEqual(files);
  });
});

/**
 * The whole 2026-07-15 document with its operations, split as sync splits it: everything generates once, in the
 * default entry points (a root, one entry per tag, shared modules), and compiles under --strict with skipLibCheck
 * off, in openapi-typescript's layout, with the direction variants.
 */
describeWithUpstream(
  "the whole 2026-07-15 document, operations included",
  UPSTREAM_OPENAPI,
  hasUpstreamOpenApi,
  () => {
    const document = () => JSON.parse(readFileSync(UPSTREAM_OPENAPI, "utf8")) as OpenApiDocument;
    let files = new Map<string, string>();
    const root = () => files.get(ENTRY_FILE)!;
    const shared = () => [...files].filter(([file]) => file.startsWith("shared/"));
    /** The members of interface `name` in every shared module, one after another. */
    const sharedBlocks = (name: string) =>
      shared()
        .map(([, text]) => {
          const at = text.indexOf(`\nexport interface ${name} {\n`);
          return at === -1 ? "" : text.slice(at, text.indexOf("\n}\n", at) + 3);
        })
        .join("");

    beforeAll(async () => {
      const split = splitOpenApiLayout(UPSTREAM_OPENAPI, document(), "openapi");
      const result = await generateFromFiles("openapi", split);
      expect([result.schemaCount, result.operationCount]).toEqual([1290, 345]);
      files = result.files;
    });

    test("one entry per tag of the document, each with its ESM companion", () => {
      const slugs = document()
        .tags.map((t) => t.name.toLowerCase().replace(/[^a-z0-9]+/g, "-"))
        .sort();
      expect(slugs).toHaveLength(23);
      expect([...files.keys()].filter((f) => f.startsWith("tags/"))).toEqual(
        slugs.flatMap((slug) => [`tags/${slug}.d.mts`, `tags/${slug}.d.ts`]),
      );
    });

    test("every path is in the root's paths, every operation and schema in exactly one shared module", () => {
      const { paths } = document();
      const member = (name: string, indent: string) => {
        const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
        return new RegExp(`^${indent}${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\{$`, "gm");
      };
      const routes = Object.keys(paths);
      const operationIds = Object.values(paths).flatMap((item) =>
        Object.values(item).map((operation) => operation.operationId),
      );
      expect([routes.length, operationIds.length]).toEqual([238, 345]);
      const pathsBlock = root().slice(
        root().indexOf("export interface paths {"),
        root().indexOf("export interface components {"),
      );
      expect(routes.filter((route) => pathsBlock.match(member(route, "  "))?.length !== 1)).toEqual(
        [],
      );
      const operationsBlock = sharedBlocks("Operations");
      expect(
        operationIds.filter((id) => operationsBlock.match(member(id, "  "))?.length !== 1),
      ).toEqual([]);
      // Each schema is one member of some shared module's Components.schemas, four spaces deep.
      const names = Object.keys(document().components.schemas);
      expect(names).toHaveLength(1290);
      const schemaBlocks = shared()
        .map(([, text]) => {
          const at = text.indexOf("\nexport interface Components {\n  schemas: {\n");
          return at === -1 ? "" : text.slice(at, text.indexOf("\n  };\n", at));
        })
        .join("");
      const schemaMember = (name: string) =>
        new RegExp(`^ {4}${/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name)}: `, "gm");
      expect(names.filter((name) => schemaBlocks.match(schemaMember(name))?.length !== 1)).toEqual(
        [],
      );
      expect(schemaBlocks.match(/^ {4}[A-Za-z_$"]/gm)).toHaveLength(1290);
    });

    test("request bodies and responses that reach readOnly or writeOnly keys use the direction variants", () => {
      const count = (name: string) => sharedBlocks(name).match(/^ {2}[A-Za-z_$][\w$]*: /gm)?.length;
      expect([count("RequestSchemas"), count("ResponseSchemas")]).toEqual([54, 30]);
      const all = shared()
        .map(([, text]) => text)
        .join("");
      expect(all.match(/"application\/vnd\.api\+json": requestSchemas\[/g)).toHaveLength(4);
      expect(all.match(/"application\/vnd\.api\+json": responseSchemas\[/g)).toHaveLength(8);
      // No request variant still declares a readOnly key other than as `never`.
      expect(
        sharedBlocks("RequestSchemas").match(
          /Read-only[^\n]*\n(?:\s+\*[^\n]*\n)*\s+(?:readonly )?\w+\??: (?!never;)/g,
        ),
      ).toBeNull();
    });

    test("compiles with tsc --strict, skipLibCheck off: the root and every tag entry", () => {
      const slugs = [...files.keys()].flatMap((f) => /^tags\/(.+)\.d\.ts$/.exec(f)?.[1] ?? []);
      const consumer = [
        'import type { components, operations, paths, RequestBody, SuccessBody, ErrorBody, PathsWithPresetHeaders } from "./index";',
        'import type * as catalogs from "./tags/catalogs";',
        'import type * as profiles from "./tags/profiles";',
        ...slugs.map((slug, i) => `import type * as entry${i} from "./tags/${slug}";`),
        "export type All = [components, operations, paths];",
        `export type Entries = [${slugs.map((_, i) => `entry${i}.operations, entry${i}.components, entry${i}.paths`).join(", ")}];`,
        'export type Call = [RequestBody<"create_flow">, SuccessBody<"get_profile">, ErrorBody<"get_profile">];',
        'export type Preset = PathsWithPresetHeaders<"revision">;',
        // A tag entry holds its own operations, and only those.
        'export type InEntry = [catalogs.SuccessBody<"get_catalog_item">, profiles.RequestBody<"create_profile">];',
        'export const wrongEntry: catalogs.OperationId = "get_profile";',
        "",
      ].join("\n");
      expect(
        typecheck(
          { ...filesUnder("/virtual", files), "/virtual/check.ts": consumer },
          { ...STRICT_OPTIONS, skipLibCheck: false },
        ),
      ).toEqual([
        `/virtual/check.ts:${slugs.length + 9}: TS2322 Type '"get_profile"' is not assignable to type 'keyof Operations'.`,
      ]);
    });
  },
);

type OpenApiDocument = {
  paths: Record<string, Record<string, { operationId: string }>>;
  tags: { name: string }[];
  components: { schemas: Record<string, unknown> };
};
