/**
 * The bench's consumer machinery on a small package laid out the way a split output will be (a root entry,
 * tag entries under tags/, a module they share under shared/): the installed package.json, the names read
 * from each entry, the pick of fifty from five tags, the consumer sources, a real tsserver asked for a
 * completion (and failing loudly when the type does not resolve), and the report's paired costs and
 * issue 12 targets. No timing is asserted.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  consumerSource,
  exportedSchemaTypes,
  installDeclarationFile,
  installPackage,
  pickFromTags,
  setUpConsumers,
  tagSlug,
  tagSlugs,
  writeProject,
} from "../scripts/bench/consumer.js";
import { formatReport, type BenchResults, type CaseResult } from "../scripts/bench/report.js";
import { timeToFirstCompletion, withCaret } from "../scripts/bench/tsserver.js";
import { tempDir } from "./helpers/cli.js";

const TSC = resolve("node_modules/typescript/lib/tsc.js");
const TSSERVER = resolve("node_modules/typescript/lib/tsserver.js");
/** A small default lib keeps each compiler run short; the bench's consumers keep the full one. */
const SMALL_LIB = { lib: ["es5"] };

/** A package: shared/chunk.d.ts holds the schemas; the root and two tags re-export from it. */
function fixture(): { project: string; generated: string } {
  const project = tempDir("kst-bench-consumer-");
  const generated = join(project, "generated");
  mkdirSync(join(generated, "shared"), { recursive: true });
  mkdirSync(join(generated, "tags"), { recursive: true });
  writeFileSync(join(generated, "package.json"), '{ "type": "commonjs" }\n');
  const schemas = ["Job", "JobStatus", "Item", "Profile", "ResponseMeta"];
  writeFileSync(
    join(generated, "shared", "chunk.d.ts"),
    [
      "export interface components {",
      "  schemas: {",
      '    Job: { data: { id: string; status: components["schemas"]["JobStatus"] }; meta?: components["schemas"]["ResponseMeta"] };',
      '    JobStatus: "queued" | "complete";',
      "    Item: { sku: string };",
      "    Profile: { email: string | null };",
      "    ResponseMeta: { cursor?: string };",
      "  };",
      "}",
      "export interface paths {}",
      ...schemas.map((n) => `export type ${n} = components["schemas"][${JSON.stringify(n)}];`),
      "export type OperationId = string;",
      "",
    ].join("\n"),
  );
  const entry = (names: string[]) =>
    `export type { components, paths, OperationId, ${names.join(", ")} } from "./shared/chunk.js";\n`;
  writeFileSync(join(generated, "index.d.ts"), entry(schemas));
  writeFileSync(join(generated, "index.d.mts"), 'export type * from "./index.js";\n');
  const tags: Record<string, string[]> = {
    catalogs: ["Job", "JobStatus", "Item", "ResponseMeta"],
    "custom-objects": ["Profile", "ResponseMeta"],
  };
  for (const [slug, names] of Object.entries(tags)) {
    writeFileSync(join(generated, "tags", `${slug}.d.ts`), entry(names).replace("./", "../"));
    writeFileSync(join(generated, "tags", `${slug}.d.mts`), `export type * from "./${slug}.js";\n`);
  }
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({
      name: "klaviyo-schema-types",
      version: "0.0.0",
      type: "module",
      types: "./generated/index.d.ts",
      exports: {
        ".": {
          import: { types: "./generated/index.d.mts" },
          require: { types: "./generated/index.d.ts" },
        },
        "./*": {
          import: { types: "./generated/tags/*.d.mts" },
          require: { types: "./generated/tags/*.d.ts" },
        },
      },
      typesVersions: { "*": { "*": ["./generated/tags/*.d.ts"] } },
      scripts: { test: "not copied" },
    }),
  );
  return { project, generated };
}

describe("bench consumers", () => {
  const { project, generated } = fixture();
  const consumers = join(tempDir("kst-bench-consumers-"), "root");

  test("the installed package keeps typesVersions and exports, and the whole generated folder", () => {
    installPackage(consumers, project, generated);
    const installed = join(consumers, "node_modules", "klaviyo-schema-types");
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(manifest["typesVersions"]).toEqual({ "*": { "*": ["./generated/tags/*.d.ts"] } });
    expect(Object.keys(manifest["exports"] as object)).toEqual([".", "./*"]);
    expect(manifest["scripts"]).toBeUndefined();
    expect(existsSync(join(installed, "generated", "tags", "catalogs.d.mts"))).toBe(true);
    expect(existsSync(join(installed, "generated", "shared", "chunk.d.ts"))).toBe(true);
  });

  test("the entries' schema types are read through the modules they re-export", () => {
    expect(tagSlugs(generated)).toEqual(["catalogs", "custom-objects"]);
    expect(tagSlugs(project)).toEqual([]);
    expect(tagSlug("Custom Objects")).toBe("custom-objects");
    const entries = ["index", "tags/catalogs", "tags/custom-objects"].map((e) =>
      join(generated, `${e}.d.ts`),
    );
    const types = exportedSchemaTypes(entries);
    // components, paths and OperationId are exported too, but are not schema types.
    expect(types.get(entries[0]!)).toEqual(["Item", "Job", "JobStatus", "Profile", "ResponseMeta"]);
    expect(types.get(entries[1]!)).toEqual(["Item", "Job", "JobStatus", "ResponseMeta"]);
    expect(types.get(entries[2]!)).toEqual(["Profile", "ResponseMeta"]);
  });

  test("names are picked from the preferred tags first, distinct across tags, and the same each time", () => {
    const byTag = new Map([
      ["a", ["A1", "A2", "A3", "Shared"]],
      ["b", ["B1", "B2", "Shared"]],
      ["c", ["C1", "Shared"]],
    ]);
    const picked = pickFromTags(byTag, ["c", "missing", "a"], 3, 2);
    expect(picked).toEqual([
      { tag: "c", names: ["C1", "Shared"] },
      { tag: "a", names: ["A1", "A2"] },
      { tag: "b", names: ["B1", "B2"] },
    ]);
    expect(pickFromTags(byTag, ["c", "missing", "a"], 3, 2)).toEqual(picked);
    expect(() => pickFromTags(byTag, [], 4, 1)).toThrow("4 tags wanted, the package has 3");
    const overlapping = new Map([
      ["a", ["X", "Y"]],
      ["b", ["X", "Z"]],
    ]);
    expect(() => pickFromTags(overlapping, [], 2, 2)).toThrow(
      "the b entry exports 1 schema types not picked from another tag; 2 wanted",
    );
  });

  test("consumers of a tag entry and of two entries compile with tsc", () => {
    const [oneTag, twoTags] = setUpConsumers(
      consumers,
      [
        {
          id: "tag-one",
          label: "one type from a tag entry",
          imports: [{ specifier: "klaviyo-schema-types/catalogs", names: ["Job"] }],
          skipLibCheck: false,
        },
        {
          id: "two-tags",
          label: "two tags",
          imports: [
            { specifier: "klaviyo-schema-types/catalogs", names: ["Job", "Item"] },
            { specifier: "klaviyo-schema-types/custom-objects", names: ["Profile"] },
          ],
          skipLibCheck: true,
        },
      ],
      SMALL_LIB,
    );
    expect(readFileSync(join(twoTags!.dir, "index.ts"), "utf8")).toContain(
      'import type { Profile } from "klaviyo-schema-types/custom-objects";',
    );
    for (const c of [oneTag!, twoTags!]) {
      const run = spawnSync(process.execPath, [TSC, "-p", c.dir], { encoding: "utf8" });
      expect(run.stdout + run.stderr).toBe("");
      expect(run.status).toBe(0);
    }
    expect(() =>
      consumerSource([
        { specifier: "x", names: ["A"] },
        { specifier: "y", names: ["A"] },
      ]),
    ).toThrow("imports the same name twice");
  });

  test("a peer's single file is installed as a package, and its consumer reads components", () => {
    const peerFile = join(tempDir("kst-bench-peer-"), "out.ts");
    writeFileSync(
      peerFile,
      "export interface components {\n  schemas: {\n    Job: { id: string };\n  };\n}\n",
    );
    installDeclarationFile(consumers, "peer-output", peerFile);
    const project = (names: string[]) => ({
      id: `peer-${names.join("-")}`,
      label: "one type from the peer",
      imports: [{ specifier: "peer-output", names, fromComponents: true }],
      skipLibCheck: false,
    });
    const [known, unknown] = setUpConsumers(
      consumers,
      [project(["Job"]), project(["Missing"])],
      SMALL_LIB,
    );
    expect(readFileSync(join(known!.dir, "index.ts"), "utf8")).toContain(
      'import type { components as components0 } from "peer-output";\ntype Job = components0["schemas"]["Job"];',
    );
    const tsc = (dir: string) =>
      spawnSync(process.execPath, [TSC, "-p", dir], { encoding: "utf8" });
    const ok = tsc(known!.dir);
    expect(ok.stdout + ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    // A name the file does not declare is a compile error, so a peer case cannot pass on an empty type.
    const bad = tsc(unknown!.dir);
    expect(bad.stdout).toContain("Property 'Missing' does not exist");
    expect(bad.status).not.toBe(0);
  });

  test("tsserver lists the type's members at the caret, and an unresolved type is an error", async () => {
    const source = [
      'import type { Job } from "klaviyo-schema-types/catalogs";',
      "export const x: Job = { /*|*/ };",
      "",
    ].join("\n");
    const probe = withCaret(source);
    expect(probe).toMatchObject({ line: 2, offset: 25 });
    expect(probe.text).not.toContain("/*|*/");
    const file = writeProject(join(consumers, "editor-tag"), true, probe.text, SMALL_LIB);
    const request = { tsserver: TSSERVER, file, ...probe, expectEntries: ["data", "meta"] };
    const sample = await timeToFirstCompletion(request);
    expect(sample.entries).toBe(2);
    expect(sample.seconds).toBeGreaterThanOrEqual(sample.openSeconds);

    const missing = withCaret(source.replace("Job }", "Nope }").replace(": Job", ": Nope"));
    const bad = writeProject(join(consumers, "editor-missing"), true, missing.text, SMALL_LIB);
    // An object literal of an unresolved type is offered the names in scope (for shorthand properties).
    await expect(
      timeToFirstCompletion({ ...request, file: bad, ...missing, expectEntries: [] }),
    ).rejects.toThrow("entries that are not members");
    await expect(
      timeToFirstCompletion({ ...request, expectEntries: ["data", "links"] }),
    ).rejects.toThrow("lacks links (it lists data, meta)");
    await expect(timeToFirstCompletion({ ...request, timeoutMs: 1 })).rejects.toThrow(
      "no completionInfo response within 0.001 s",
    );
  }, 60_000);
});

describe("bench report", () => {
  const sample = (seconds: number) => ({ seconds, maxRssMb: null });
  const consumer = (
    id: string,
    row: string,
    seconds: number[],
    skipLibCheck: boolean,
    baseline?: string,
  ): CaseResult => ({
    id: `operations-${id}`,
    label: row,
    group: "consumer",
    set: "openapi",
    samples: seconds.map(sample),
    row,
    skipLibCheck,
    ...(baseline === undefined ? {} : { baseline: `operations-${baseline}` }),
  });
  const results = (cases: CaseResult[], skipped: BenchResults["skipped"] = []): BenchResults => ({
    date: "2026-12-01T00:00:00.000Z",
    machine: {
      cpu: "cpu",
      cores: 2,
      memoryGb: 1,
      node: "v20",
      platform: "linux",
      loadAverageBefore: 0,
      loadAverageAfter: 0,
    },
    runs: 3,
    schemas: "",
    schemaCount: 0,
    generateCommand: "generate",
    memoryMeasured: false,
    cases,
    skipped,
  });
  const on = "tsc-imports-0-skiplibcheck-on";
  const off = "tsc-imports-0-skiplibcheck-off";

  test("costs are medians of per-round differences, against issue 12's limits", () => {
    const report = formatReport(
      results([
        consumer(on, "no import (the baseline)", [1, 2, 3], true),
        consumer(off, "no import (the baseline)", [2, 2, 2], false),
        // Per round: +0.2, -0.8, +0.3 → median +0.2; the difference of the medians would be +0.3.
        consumer(
          "tsc-imports-1-skiplibcheck-on",
          "one type from the root",
          [1.2, 1.2, 3.3],
          true,
          on,
        ),
        consumer(
          "tsc-imports-1-skiplibcheck-off",
          "one type from the root",
          [2.6, 2.4, 2.5],
          false,
          off,
        ),
        consumer(
          "tsc-tag-imports-1-skiplibcheck-on",
          "one type from a tag entry",
          [1.01, 2.04, 3.02],
          true,
          on,
        ),
      ]),
    );
    const paired = report.summary.paired["operations-tsc-imports-1-skiplibcheck-on"]!;
    expect(paired.seconds).toBeCloseTo(0.2);
    const byName = new Map(report.summary.targets.map((t) => [t.name, t]));
    expect(
      byName.get("issue 12: one type from the root, skipLibCheck on: extra tsc time"),
    ).toMatchObject({
      limit: 0.25,
      met: true,
    });
    expect(
      byName.get("issue 12: one type from the root, skipLibCheck off: extra tsc time"),
    ).toMatchObject({
      limit: 0.5,
      met: true,
    });
    expect(
      byName.get("issue 12: one type from a tag entry, skipLibCheck on: extra tsc time")?.value,
    ).toBeCloseTo(0.02);
    expect(report.table).toContain("one type from the root");
    expect(report.table).toMatch(
      /one type from the root +1\.20 s \(\+0\.20 s\) +2\.50 s \(\+0\.50 s\)/,
    );
    expect(report.table).toMatch(/met {6}issue 12: one type from the root, skipLibCheck off/);
  });

  test("a skipped case shows in its table and as a target not measured", () => {
    const reason = "generated/ has no tags/ folder";
    const report = formatReport(
      results(
        [
          consumer(on, "no import (the baseline)", [1, 1, 1], true),
          consumer("tsc-imports-1-skiplibcheck-on", "one type from the root", [2, 2, 2], true, on),
        ],
        [
          {
            id: "operations-tsc-tag-imports-1-skiplibcheck-on",
            row: "one type from a tag entry",
            group: "consumer",
            set: "openapi",
            skipLibCheck: true,
            reason,
          },
        ],
      ),
    );
    expect(report.table).toMatch(/one type from a tag entry +skipped/);
    expect(report.table).toContain(`skipped: ${reason}`);
    expect(report.table).toMatch(/NOT MET {2}issue 12: one type from the root, skipLibCheck on/);
    expect(report.table).toContain(
      `skipped  issue 12: one type from a tag entry, skipLibCheck on: extra tsc time: not measured, ${reason} (target ≤ 0.05 s)`,
    );
    expect(report.summary.notMeasured).toHaveLength(1);
  });
});
