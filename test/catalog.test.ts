/**
 * Catalog scale: the whole upstream set (1,194 schemas) generates, compiles under --strict with
 * skipLibCheck off, and gives the same bytes in any file order.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENTRY_FILE, generateFromFiles } from "../scripts/pipeline/generate.js";
import { readSchemaFolder } from "../scripts/pipeline/load.js";
import { writeOutput } from "../scripts/pipeline/write.js";
import { tempDir } from "./helpers/cli.js";
import { STRICT_OPTIONS, typecheck } from "./helpers/typecheck.js";
import { UPSTREAM_SET, describeWithUpstream, hasUpstreamSet } from "./helpers/upstream.js";

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
