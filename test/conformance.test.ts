/**
 * Conformance: the generated types accept every instance the schemas accept and reject every one they
 * reject — on the embedded default, on hand-written feature fixtures, and on the whole upstream set.
 * The harness itself is tested too: its judge reads OpenAPI 3.0, its generator covers what it claims,
 * and it fails when the types are broken on purpose.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { generateInstances, type Candidate } from "../scripts/conformance/instances.js";
import { createJudge, toJudgeSchema } from "../scripts/conformance/judge.js";
import { formatReport, percent, type ConformanceReport } from "../scripts/conformance/report.js";
import { runConformance } from "../scripts/conformance/run.js";
import { checkFileText, toLiteral } from "../scripts/conformance/typecheck.js";
import type { JsonObject } from "../scripts/pipeline/json.js";
import { splitOpenApiDocument } from "../scripts/pipeline/openapi-split.js";
import {
  describeWithUpstream,
  hasUpstreamOpenApi,
  hasUpstreamSet,
  UPSTREAM_OPENAPI,
  UPSTREAM_SET,
} from "./helpers/upstream.js";

const FEATURES = "test/fixtures/conformance/features";
const run = promisify(execFile);

function schemaSet(schemas: Record<string, JsonObject>) {
  return Object.entries(schemas).map(([name, schema]) => ({ name, path: `${name}.json`, schema }));
}

function candidates(schemas: Record<string, JsonObject>, name: string): Candidate[] {
  const judge = createJudge(schemaSet(schemas));
  return generateInstances(new Map(Object.entries(schemas)), name, { judge }).candidates;
}

function valuesAt(
  list: Candidate[],
  intent: "valid" | "invalid",
  pick: (value: never) => unknown,
): unknown[] {
  return list.filter((c) => c.intent === intent).map((c) => pick(c.value as never));
}

/** The numbers a run must give exactly (the README's table). */
function expectCounts(
  report: ConformanceReport,
  expected: { schemas: number; valid: number; invalid: number },
): void {
  expect({
    schemas: report.schemas,
    valid: report.valid,
    invalid: report.invalid,
    misses: [report.generatorMisses.valid, report.generatorMisses.invalid],
  }).toEqual({
    schemas: expected.schemas,
    valid: { accepted: expected.valid, total: expected.valid },
    invalid: { rejected: expected.invalid, total: expected.invalid },
    misses: [0, 0],
  });
}

function expectPass(report: ConformanceReport): void {
  const summary = formatReport(report);
  expect({
    passed: report.passed,
    failing: report.failingSchemas.map((f) => `${f.schema}: ${f.first.label}: ${f.first.error}`),
    typesErrors: report.typesErrors,
  }).toEqual({
    passed: true,
    failing: [],
    typesErrors: [],
  });
  expect(report.valid.accepted).toBe(report.valid.total);
  expect(report.invalid.rejected).toBe(report.invalid.total);
  expect(summary).toContain("(100.00 %)");
}

describe("the judge reads the set as OpenAPI 3.0", () => {
  test("nullable beside $ref admits null; the other $ref siblings are ignored", () => {
    expect(
      toJudgeSchema("f", { $ref: "#/components/schemas/A", nullable: true, description: "d" }),
    ).toEqual({
      anyOf: [{ $ref: "#/components/schemas/A" }, { type: "null" }],
    });
    expect(
      toJudgeSchema("f", { $ref: "#/components/schemas/A", description: "d", example: {} }),
    ).toEqual({ $ref: "#/components/schemas/A" });
  });

  test("nullable widens a type and an enum, and wraps an applicator or an untyped node", () => {
    expect(
      toJudgeSchema("f", { type: "string", enum: ["a"], nullable: true, example: "a" }),
    ).toEqual({ type: ["string", "null"], enum: ["a", null] });
    expect(toJudgeSchema("f", { oneOf: [{ type: "string" }], nullable: true })).toEqual({
      anyOf: [{ oneOf: [{ type: "string" }] }, { type: "null" }],
    });
    expect(toJudgeSchema("f", { nullable: true })).toEqual({ anyOf: [{}, { type: "null" }] });
    expect(toJudgeSchema("f", { type: "integer", nullable: false })).toEqual({ type: "integer" });
  });

  test("per-file labels are dropped and the set compiles as #/components/schemas", () => {
    const judge = createJudge(
      schemaSet({
        A: {
          $schema: "https://json-schema.org/draft/2020-12/schema",
          $id: "#/components/schemas/A",
          type: "object",
          properties: { b: { $ref: "#/components/schemas/B", nullable: true } },
          required: ["b"],
        },
        B: { $id: "#/components/schemas/B", type: "string", format: "date-time" },
      }),
    );
    expect(judge.validate("A", { b: null }).valid).toBe(true);
    expect(judge.validate("A", { b: "2024-01-02T03:04:05Z" }).valid).toBe(true);
    expect(judge.validate("A", {}).valid).toBe(false);
    expect(judge.validate("A", { b: 1 }).valid).toBe(false);
    // Valid instances must have correct formats; an invalid verdict never rests on a format.
    expect(judge.validate("A", { b: "yesterday" })).toMatchObject({
      valid: false,
      validIgnoringFormats: true,
    });
    expect(judge.validate("B", null).valid).toBe(false);
  });

  test("keys named like Object.prototype members are judged as own keys only", () => {
    const judge = createJudge(
      schemaSet({
        // Parsed, not written as a literal: `__proto__:` in an object literal would set the prototype.
        K: JSON.parse(
          '{"type": "object", "properties": {"__proto__": {"type": "string"}, "constructor": {"type": "integer"}}, "required": ["__proto__"]}',
        ) as JsonObject,
      }),
    );
    const parse = (text: string) => JSON.parse(text) as JsonObject;
    expect(judge.validate("K", parse('{"__proto__": "x"}')).valid).toBe(true);
    expect(judge.validate("K", parse('{"__proto__": 1}')).valid).toBe(false);
    expect(judge.validate("K", parse('{"__proto__": null}')).valid).toBe(false);
    expect(judge.validate("K", parse("{}")).valid).toBe(false);
    expect(judge.validate("K", parse('{"__proto__": "x", "constructor": "no"}')).valid).toBe(false);
  });
});

describe("the instance generator", () => {
  const schemas: Record<string, JsonObject> = {
    Root: {
      type: "object",
      properties: {
        id: { type: "string" },
        status: { type: "string", enum: ["a", "b", "c"] },
        link: { $ref: "#/components/schemas/Link", nullable: true },
        tags: { type: "array", items: { type: "string" } },
        choice: {
          oneOf: [
            { type: "integer" },
            {
              type: "object",
              properties: {
                inner: { oneOf: [{ type: "boolean" }, { type: "string", enum: ["x", "y"] }] },
              },
              required: ["inner"],
            },
          ],
        },
        count: { type: "integer", example: 7 },
        note: { type: "string", nullable: true, default: "n" },
      },
      required: ["id", "status"],
    },
    Link: {
      type: "object",
      properties: {
        self: { type: "string", format: "uri" },
        next: { $ref: "#/components/schemas/Link" },
      },
      required: ["self"],
    },
  };
  const list = candidates(schemas, "Root");
  const valid = list.filter((c) => c.intent === "valid");
  const invalid = list.filter((c) => c.intent === "invalid");

  test("varies one place at a time: each optional key present and absent, every enum value, null where nullable", () => {
    const base = valid[0]!.value as JsonObject;
    expect(Object.keys(base).sort()).toEqual([
      "choice",
      "count",
      "id",
      "link",
      "note",
      "status",
      "tags",
    ]);
    for (const key of ["link", "tags", "choice", "count", "note"])
      expect(
        valid.some((c) => !(key in (c.value as JsonObject)) && "id" in (c.value as JsonObject)),
      ).toBe(true);
    expect(new Set(valuesAt(list, "valid", (v: JsonObject) => v["status"]))).toEqual(
      new Set(["a", "b", "c"]),
    );
    expect(valuesAt(list, "valid", (v: JsonObject) => v["link"])).toContain(null);
    expect(valuesAt(list, "valid", (v: JsonObject) => v["note"])).toContain(null);
    expect(valuesAt(list, "valid", (v: JsonObject) => v["tags"])).toContainEqual([]);
    expect(valuesAt(list, "valid", (v: JsonObject) => v["count"])).toContain(7);
    expect(valuesAt(list, "valid", (v: JsonObject) => v["note"])).toContain("n");
  });

  test("every oneOf branch, nested too, with format-correct strings", () => {
    const choices = valuesAt(list, "valid", (v: JsonObject) => JSON.stringify(v["choice"]));
    expect(choices).toEqual(
      expect.arrayContaining([
        "1",
        '{"inner":true}',
        '{"inner":false}',
        '{"inner":"x"}',
        '{"inner":"y"}',
      ]),
    );
    expect(
      valuesAt(list, "valid", (v: JsonObject) => (v["link"] as JsonObject | null)?.["self"]),
    ).toContain("https://example.com/");
  });

  test("mutants: required key removed, null where not nullable, outside the enum, wrong primitive, array/object swaps, wrong array item", () => {
    const labels = invalid.map((c) => c.label);
    expect(labels).toEqual(
      expect.arrayContaining([
        "/id: required key removed",
        "/status: required key removed",
        "/id: null where not nullable",
        '/status: value outside the enum ("not-in-the-enum")',
        "/id: wrong primitive: a number where string belongs",
        "/tags: an object where an array belongs",
        "/link: an array where an object belongs",
        "/tags/0: wrong array item: wrong primitive: a number where string belongs",
        "(root): an array where an object belongs",
      ]),
    );
    expect(
      invalid.find((c) => c.label === "/tags: an object where an array belongs")!.value,
    ).toMatchObject({ tags: {} });
  });

  test("bounded recursion for a schema that contains itself", () => {
    const step: Record<string, JsonObject> = {
      Step: {
        type: "object",
        properties: {
          name: { type: "string" },
          steps: { type: "array", items: { $ref: "#/components/schemas/Step" } },
        },
        required: ["name"],
      },
    };
    const depth = (value: unknown): number => {
      const steps = (value as JsonObject)["steps"];
      return Array.isArray(steps) && steps.length > 0 ? 1 + depth(steps[0]) : 1;
    };
    const depths = candidates(step, "Step").map((c) => (c.intent === "valid" ? depth(c.value) : 0));
    expect(Math.max(...depths)).toBe(4);
  });

  test("never proposes a value that matches several oneOf branches, and only judge-confirmed ones are kept", () => {
    const overlap: Record<string, JsonObject> = {
      Font: {
        type: "object",
        properties: {
          family: { oneOf: [{ type: "string", enum: ["Arial"] }, { type: "string" }] },
        },
      },
    };
    const judge = createJudge(schemaSet(overlap));
    const generated = generateInstances(new Map(Object.entries(overlap)), "Font", { judge });
    expect(generated.candidates.map((c) => [c.intent, c.label])).toEqual([
      ["valid", "base: every optional key present"],
      ["valid", "/family: optional key absent"],
      ["invalid", "/family: null where not nullable"],
      ["invalid", "/family: wrong primitive: a number where string belongs"],
      ["invalid", "(root): null where not nullable"],
      ["invalid", "(root): wrong primitive: a string where object belongs"],
      ["invalid", "(root): an array where an object belongs"],
    ]);
    for (const c of generated.candidates)
      expect(judge.validate("Font", c.value).valid).toBe(c.intent === "valid");
    expect(
      generated.candidates.some((c) => (c.value as JsonObject | null)?.["family"] === "Arial"),
    ).toBe(false);
    expect(generated.skipped.map((s) => s.what)).toContain("/family: oneOf[0]");
  });
});

describe("the TypeScript check file", () => {
  test("one line per instance, typed at the declaration; __proto__ stays an own key", () => {
    const text = checkFileText("./index.js", [
      { schema: "A", value: { a: [1, null], "b-c": "x" } },
      { schema: 'Odd"Name', value: JSON.parse('{"__proto__": {"x": true}}') as JsonObject },
    ]);
    expect(text.split("\n")).toEqual([
      'import type { components } from "./index.js";',
      'const v0: components["schemas"]["A"] = { "a": [1, null], "b-c": "x" };',
      'const v1: components["schemas"]["Odd\\"Name"] = { ["__proto__"]: { "x": true } };',
      "",
    ]);
    expect(toLiteral({})).toBe("{}");
  });

  test("percent never rounds a failure up to 100 %", () => {
    expect(percent(99999, 100000)).toBe("99.99 %");
    expect(percent(3, 3)).toBe("100.00 %");
    expect(percent(0, 0)).toBe("n/a");
  });
});

describe("conformance of the embedded default (schemas/ + generated/)", () => {
  test("100 % / 100 %, with every kind of instance present", async () => {
    const report = await runConformance({ schemasDir: "schemas", typesDir: "generated" });
    expectPass(report);
    // README: 7 schemas, 44 / 44 valid accepted, 108 / 108 invalid rejected, 0 generator misses.
    expectCounts(report, { schemas: 7, valid: 44, invalid: 108 });
    expect(report.noInstance).toEqual([]);
  });
});

describe("conformance of the feature fixtures (types generated into a temp folder)", () => {
  test("nullable $ref, enums, unions, allOf, recursion, free-form and empty objects, odd keys: 100 % / 100 %", async () => {
    const report = await runConformance({ schemasDir: FEATURES });
    expectPass(report);
    expectCounts(report, { schemas: 11, valid: 92, invalid: 150 });
    expect(report.noInstance).toEqual([]);
  });
});

describe("the harness has teeth: broken types fail", () => {
  let dir: string;
  const original = readFileSync("generated/index.d.ts", "utf8");
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "conformance-teeth-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function withTypes(edit: (text: string) => string): Promise<ConformanceReport> {
    const edited = edit(original);
    expect(edited).not.toBe(original);
    writeFileSync(join(dir, "index.d.ts"), edited);
    return runConformance({ schemasDir: "schemas", typesDir: dir });
  }

  test("a nullable dropped: valid null is rejected", async () => {
    const report = await withTypes((text) =>
      text.replace("pointer?: string | null;", "pointer?: string;"),
    );
    expect(report.passed).toBe(false);
    expect(report.failingSchemas.map((f) => [f.schema, f.first.intent])).toContainEqual([
      "ErrorSource",
      "valid",
    ]);
    expect(report.valid.accepted).toBeLessThan(report.valid.total);
  });

  test("defaultNonNullable simulated (every key with a @default made required): valid absence is rejected", async () => {
    const report = await withTypes((text) =>
      text.replace(/(@default[^\n]*\n(?:[^\n]*\*[^\n]*\n)*?\s*(?:readonly )?[\w$]+)\?:/g, "$1:"),
    );
    expect(report.passed).toBe(false);
    const failing = report.failingSchemas.map((f) => f.schema);
    expect(failing).toEqual(
      expect.arrayContaining(["ErrorSource", "PostCatalogItemCreateJobResponse"]),
    );
    expect(report.failingSchemas.find((f) => f.schema === "ErrorSource")!.first).toMatchObject({
      intent: "valid",
      label: "/pointer: optional key absent",
    });
  });

  test("an enum widened to string: the value outside the enum is accepted", async () => {
    const report = await withTypes((text) =>
      text.replace(
        'status: "cancelled" | "complete" | "processing" | "queued";',
        "status: string;",
      ),
    );
    expect(report.passed).toBe(false);
    const failure = report.failingSchemas.find(
      (f) => f.schema === "PostCatalogItemCreateJobResponse",
    )!;
    expect(failure.first).toMatchObject({
      intent: "invalid",
      label: expect.stringContaining("value outside the enum"),
    });
    expect(report.invalid.rejected).toBeLessThan(report.invalid.total);
  });

  test("declarations that do not compile fail the run", async () => {
    const report = await withTypes((text) =>
      text.replace(
        'components["schemas"]["ErrorSource"];',
        'components["schemas"]["NoSuchSchema"];',
      ),
    );
    expect(report.passed).toBe(false);
    expect(report.typesErrors.join("\n")).toContain("NoSuchSchema");
  });
});

describe("npm run conformance (the command line)", () => {
  const cli = (args: string[]) =>
    run(process.execPath, ["--import", "tsx", "scripts/conformance.ts", ...args], {
      maxBuffer: 64 * 1024 * 1024,
    });

  test("--json on the default prints the report and exits 0", async () => {
    const { stdout } = await cli(["--json", "--quiet"]);
    const report = JSON.parse(stdout) as ConformanceReport;
    expect(report).toMatchObject({
      schemasDir: "schemas",
      typesDir: "generated/index.d.ts",
      passed: true,
    });
    expectCounts(report, { schemas: 7, valid: 44, invalid: 108 });
  });

  test("exits 1 with the failing schema named when the types are broken, 2 on bad usage", async () => {
    const dir = mkdtempSync(join(tmpdir(), "conformance-cli-"));
    try {
      copyFileSync("generated/index.d.ts", join(dir, "index.d.ts"));
      const text = readFileSync(join(dir, "index.d.ts"), "utf8");
      writeFileSync(
        join(dir, "index.d.ts"),
        text.replace("pointer?: string | null;", "pointer?: string;"),
      );
      await expect(cli(["--types", dir, "--quiet"])).rejects.toMatchObject({
        code: 1,
        stdout: expect.stringMatching(/Failing schemas \(1\)[\s\S]*ErrorSource/),
      });
      await expect(cli(["--bogus"])).rejects.toMatchObject({
        code: 2,
        stdout: "",
        stderr: "conformance: error: Unknown option '--bogus' (see --help)\n",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeWithUpstream("conformance of the whole upstream set", UPSTREAM_SET, hasUpstreamSet, () => {
  let report: ConformanceReport;
  beforeAll(async () => {
    report = await runConformance({ schemasDir: UPSTREAM_SET });
  });

  test("the types accept every valid instance and reject every invalid one", () => {
    expectPass(report);
  });

  test("at catalog scale: the README's numbers exactly, no generator misses", () => {
    // README: 1,194 schemas, 15,547 / 15,547 valid accepted, 21,770 / 21,770 invalid rejected, 0 misses.
    expectCounts(report, { schemas: 1194, valid: 15547, invalid: 21770 });
    // The generator builds no valid instance for these (a oneOf whose branches overlap): only whole-value
    // kind swaps check them. A new one here means a schema lost its valid instances.
    expect(report.noInstance.map((n) => n.schema)).toEqual([
      "CampaignResponseObjectResource",
      "GetCampaignResponse",
      "GetCampaignResponseCompoundDocument",
      "PatchCampaignResponse",
      "PostCampaignMessageResponse",
      "PostCampaignResponse",
    ]);
  });
});

// A later upstream revision (the OpenAPI document, split into the per-file layout): the proof must hold
// for revisions the pipeline was not tuned on.
describeWithUpstream(
  "conformance of the later OpenAPI revision",
  UPSTREAM_OPENAPI,
  hasUpstreamOpenApi,
  () => {
    test("the types accept every valid instance and reject every invalid one", async () => {
      const document = JSON.parse(readFileSync(UPSTREAM_OPENAPI, "utf8")) as unknown;
      const files = splitOpenApiDocument(UPSTREAM_OPENAPI, document, "openapi");
      const report = await runConformance({ schemasDir: "openapi", files });
      expectPass(report);
      // README: 1,290 schemas, 17,607 / 17,607 valid accepted, 24,674 / 24,674 invalid rejected, 0 misses.
      expectCounts(report, { schemas: 1290, valid: 17607, invalid: 24674 });
      expect(report.noInstance).toHaveLength(5);
    });
  },
);
