/**
 * Catalog scale: the whole upstream set (1,194 schemas) generates, compiles under --strict with
 * skipLibCheck off, and gives the same bytes in any file order.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENTRY_FILE, generateFromFiles } from "../scripts/pipeline/generate.js";
import { readSchemaFolder } from "../scripts/pipeline/load.js";
import { writeOutput } from "../scripts/pipeline/write.js";
import { tempDir } from "./helpers/cli.js";
import { STRICT_OPTIONS, typecheck } from "./helpers/typecheck.js";
import { UPSTREAM_SET, describeWithUpstream, hasUpstreamSet } from "./helpers/upstream.js";

describeWithUpstream("the whole upstream set", UPSTREAM_SET, hasUpstreamSet, () => {
  let declarations = "";
  let out = "";

  beforeAll(async () => {
    const result = await generateFromFiles(UPSTREAM_SET, readSchemaFolder(UPSTREAM_SET));
    expect(result.schemaCount).toBe(1194);
    out = join(tempDir(), "generated");
    writeOutput(out, result.files);
    declarations = readFileSync(join(out, ENTRY_FILE), "utf8");
  });

  test("one alias per schema, and the recursive Step refers to itself", () => {
    expect(declarations.match(/^export type \w+ =\s+components\["schemas"\]/gm)).toHaveLength(1194);
    expect(declarations).toMatch(/^export type Step =/m);
    expect(declarations).toContain('components["schemas"]["Step"]');
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

  test("spot check: nullable beside $ref survives at scale", () => {
    // 209 upstream $refs carry nullable: true; spot-check that every such property line admits null.
    expect(
      declarations.match(/: components\["schemas"\]\["[^"]+"\] \| null;/g)!.length,
    ).toBeGreaterThanOrEqual(150);
  });

  test("deterministic: reversed file order gives the same bytes", async () => {
    const files = readSchemaFolder(UPSTREAM_SET);
    const reversed = await generateFromFiles(UPSTREAM_SET, [...files].reverse());
    expect(reversed.files.get(ENTRY_FILE)).toBe(declarations);
  });
});
