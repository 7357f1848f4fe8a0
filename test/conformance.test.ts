/**
 * Conformance: the generated types accept every instance the schemas accept and reject every one they
 * reject — on the embedded default, on hand-written feature fixtures, and on the whole upstream set —
 * for the schemas as components, and for the bodies of operations in their direction (no readOnly key in
 * a request, no writeOnly key in a response), checked through `operations`.
 * The harness itself is tested too: its judge reads OpenAPI 3.0 and the direction rule, its generator
 * covers what it claims, and it fails when the types are broken on purpose.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { Direction } from "../scripts/conformance/direction-rule.js";
import {
  generateInstances,
  generateNodeInstances,
  type Candidate,
} from "../scripts/conformance/instances.js";
import { createJudge, toJudgeSchema } from "../scripts/conformance/judge.js";
import {
  formatReport,
  percent,
  type ConformanceReport,
  type OperationsReport,
} from "../scripts/conformance/report.js";
import { runConformance } from "../scripts/conformance/run.js";
import { checkFileText, operationBodyType, toLiteral } from "../scripts/conformance/typecheck.js";
import { generateFromFiles } from "../scripts/pipeline/generate.js";
import { isObject, type Json, type JsonObject } from "../scripts/pipeline/json.js";
import { readSchemaFolder } from "../scripts/pipeline/load.js";
import { syncSchemas } from "../scripts/sync/sync.js";
import {
  describeWithUpstream,
  hasUpstreamOpenApi,
  hasUpstreamSet,
  UPSTREAM_OPENAPI,
  UPSTREAM_SET,
} from "./helpers/upstream.js";

const FEATURES = "test/fixtures/conformance/features";
const DIRECTIONS = "test/fixtures/conformance/directions";
const run = promisify(execFile);

/**
 * Copies the generated folder `from` into `to` with `edit` applied to each declaration file (the entry points and
 * the shared modules); the edit must change at least one, so that a teeth test cannot pass on unchanged types.
 */
function copyTypes(from: string, to: string, edit: (text: string) => string): void {
  let changed = 0;
  for (const entry of readdirSync(from, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const source = join(entry.parentPath, entry.name);
    const target = join(to, source.slice(from.length + 1));
    const text = readFileSync(source, "utf8");
    const edited = source.endsWith(".d.ts") ? edit(text) : text;
    if (edited !== text) changed++;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, edited);
  }
  expect(changed).toBeGreaterThan(0);
}

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

/** The operations' numbers a run must give exactly: per direction, bodies and instances, all conforming. */
function expectOperationCounts(
  report: ConformanceReport,
  expected: {
    operations: number;
    request: { bodies: number; valid: number; invalid: number; hiddenKeys: number };
    response: { bodies: number; valid: number; invalid: number; hiddenKeys: number };
  },
): void {
  const ops = report.operations!;
  const direction = (d: OperationsReport["request"]) => ({
    bodies: d.bodies,
    valid: d.valid,
    invalid: d.invalid,
    hiddenKeys: d.hiddenKeys,
  });
  const all = (d: (typeof expected)["request"]) => ({
    bodies: d.bodies,
    valid: { accepted: d.valid, total: d.valid },
    invalid: { rejected: d.invalid, total: d.invalid },
    hiddenKeys: { rejected: d.hiddenKeys, total: d.hiddenKeys },
  });
  expect({
    operations: ops.operations,
    request: direction(ops.request),
    response: direction(ops.response),
    misses: [ops.generatorMisses.valid, ops.generatorMisses.invalid],
    failing: ops.failing,
  }).toEqual({
    operations: expected.operations,
    request: all(expected.request),
    response: all(expected.response),
    misses: [0, 0],
    failing: [],
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

describe("the judge reads a direction: no readOnly key in a request, no writeOnly key in a response", () => {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const schemas = schemaSet({
    Account: {
      type: "object",
      properties: {
        id: { type: "string", readOnly: true },
        password: { type: "string", writeOnly: true },
        owner: ref("Person"),
        contact: { oneOf: [ref("Email"), ref("Phone")] },
        members: { type: "array", items: ref("Person") },
        created: ref("Timestamp"),
        audit: { ...ref("Audit"), nullable: true, readOnly: true },
      },
      required: ["id", "password"],
    },
    Person: {
      type: "object",
      properties: { id: { type: "string", readOnly: true }, name: { type: "string" } },
      required: ["id", "name"],
    },
    Email: {
      type: "object",
      properties: { kind: { enum: ["email"] }, pin: { type: "string", writeOnly: true } },
      required: ["kind", "pin"],
    },
    Phone: { type: "object", properties: { kind: { enum: ["phone"] } }, required: ["kind"] },
    Timestamp: { type: "string", readOnly: true },
    Audit: { type: "object" },
    Profile: { allOf: [ref("Person")], required: ["id", "name"] },
  });
  const judges = {
    plain: createJudge(schemas),
    request: createJudge(schemas, { direction: "request" }),
    response: createJudge(schemas, { direction: "response" }),
  };
  const verdicts = (name: string, value: Json) =>
    Object.fromEntries(
      Object.entries(judges).map(([d, judge]) => [d, judge.validate(name, value).valid]),
    );

  test("a readOnly key: refused in a request (its required applies to responses only), kept in a response", () => {
    expect(verdicts("Account", { id: "a", password: "p" })).toEqual({
      plain: true,
      request: false,
      response: false, // a writeOnly key in a response
    });
    expect(verdicts("Account", { password: "p" })).toEqual({
      plain: false,
      request: true,
      response: false,
    });
    expect(verdicts("Account", { id: "a" })).toEqual({
      plain: false,
      request: false,
      response: true,
    });
  });

  test("through a $ref, a oneOf branch, array items, a schema readOnly at its root, readOnly beside $ref, and required beside allOf", () => {
    const request = { password: "p" };
    expect(verdicts("Account", { ...request, owner: { name: "n" } }).request).toBe(true);
    expect(verdicts("Account", { ...request, owner: { id: "i", name: "n" } }).request).toBe(false);
    expect(verdicts("Account", { ...request, members: [{ name: "n" }] }).request).toBe(true);
    expect(verdicts("Account", { ...request, members: [{ id: "i", name: "n" }] }).request).toBe(
      false,
    );
    expect(verdicts("Account", { ...request, created: "t" }).request).toBe(false);
    expect(verdicts("Account", { ...request, audit: null }).request).toBe(false);
    expect(verdicts("Account", { id: "a", contact: { kind: "email" } }).response).toBe(true);
    expect(verdicts("Account", { id: "a", contact: { kind: "email", pin: "1" } }).response).toBe(
      false,
    );
    expect(verdicts("Profile", { name: "n" })).toEqual({
      plain: false,
      request: true,
      response: false,
    });
    expect(judges.request.view!.flag).toBe("readOnly");
    expect(judges.response.view!.flag).toBe("writeOnly");
    expect(judges.plain.view).toBeUndefined();
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

describe("the instance generator, in a direction", () => {
  const files = readSchemaFolder(DIRECTIONS);
  const schemasOf = () =>
    files
      .map((f) => JSON.parse(f.text) as JsonObject)
      .filter((s) => String(s["$id"]).startsWith("#/components/schemas/"))
      .map((s) => ({ name: s["title"] as string, path: "x.json", schema: s }));
  /** Every key of a value, at any depth. */
  const keysOf = (value: Json): string[] =>
    Array.isArray(value)
      ? value.flatMap(keysOf)
      : isObject(value)
        ? Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)])
        : [];
  const generate = (direction: Direction) => {
    const judge = createJudge(schemasOf(), { direction });
    return generateNodeInstances(
      judge.view!.schemas,
      "(body)",
      { $ref: "#/components/schemas/Account" },
      { judge, hidden: judge.view },
    ).candidates;
  };

  test("valid request instances hold no readOnly key at any depth; a readOnly key added is proposed as invalid, through a $ref, a oneOf and an array", () => {
    const list = generate("request");
    const valid = list.filter((c) => c.intent === "valid");
    expect(valid.length).toBeGreaterThan(5);
    const readOnly = ["id", "verified", "joined", "created", "audit"];
    expect(valid.flatMap((c) => keysOf(c.value)).filter((k) => readOnly.includes(k))).toEqual([]);
    expect(valid.flatMap((c) => keysOf(c.value))).toEqual(
      expect.arrayContaining(["password", "token", "pin"]),
    );
    expect(list.filter((c) => c.hiddenKey).map((c) => c.label)).toEqual([
      '/id: readOnly key "id" added (the API sends it; a request must not)',
      '/created: readOnly key "created" added (the API sends it; a request must not)',
      '/audit: readOnly key "audit" added (the API sends it; a request must not)',
      '/owner/id: readOnly key "id" added (the API sends it; a request must not)',
      '/contact/verified: readOnly key "verified" added (the API sends it; a request must not)',
      '/members/0/joined: readOnly key "joined" added (the API sends it; a request must not)',
    ]);
    expect(list.every((c) => c.hiddenKey === undefined || c.intent === "invalid")).toBe(true);
  });

  test("valid response instances hold no writeOnly key at any depth; a writeOnly key added is proposed as invalid", () => {
    const list = generate("response");
    const valid = list.filter((c) => c.intent === "valid");
    const writeOnly = ["password", "secret", "pin", "token"];
    expect(valid.flatMap((c) => keysOf(c.value)).filter((k) => writeOnly.includes(k))).toEqual([]);
    expect(valid.flatMap((c) => keysOf(c.value))).toEqual(
      expect.arrayContaining(["id", "verified", "joined"]),
    );
    expect(list.filter((c) => c.hiddenKey).map((c) => c.label.split(":")[0])).toEqual([
      "/password",
      "/owner/secret",
      "/contact/pin",
      "/members/0/token",
    ]);
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

  test("an operation's body is typed through operations, as a user writes it; operations is imported when used", () => {
    expect(operationBodyType("op", { kind: "request" }, "application/json")).toBe(
      'NonNullable<operations["op"]["requestBody"]>["content"]["application/json"]',
    );
    expect(
      operationBodyType("op", { kind: "response", status: "202" }, "application/vnd.api+json"),
    ).toBe('operations["op"]["responses"][202]["content"]["application/vnd.api+json"]');
    expect(operationBodyType("op", { kind: "response", status: "4XX" }, "application/json")).toBe(
      'operations["op"]["responses"]["4XX"]["content"]["application/json"]',
    );
    const text = checkFileText("./index.js", [
      { schema: "A", value: 1 },
      { schema: "B", value: [], type: operationBodyType("op", { kind: "request" }, "m") },
    ]);
    expect(text.split("\n").slice(0, 3)).toEqual([
      'import type { components, operations } from "./index.js";',
      'const v0: components["schemas"]["A"] = 1;',
      'const v1: NonNullable<operations["op"]["requestBody"]>["content"]["m"] = [];',
    ]);
  });

  test("percent never rounds a failure up to 100 %", () => {
    expect(percent(99999, 100000)).toBe("99.99 %");
    expect(percent(3, 3)).toBe("100.00 %");
    expect(percent(0, 0)).toBe("n/a");
  });
});

/** The embedded default's numbers (README): 13 schemas and the seed's operation, with its 202 and error responses. */
const DEFAULT_COUNTS = { schemas: 13, valid: 95, invalid: 209 };
const DEFAULT_OPERATION_COUNTS = {
  operations: 1,
  request: { bodies: 1, valid: 2, invalid: 7, hiddenKeys: 0 },
  response: { bodies: 3, valid: 44, invalid: 125, hiddenKeys: 0 },
};

describe("conformance of the embedded default (schemas/ + generated/)", () => {
  test("100 % / 100 %, schemas and the operation's bodies, with every kind of instance present", async () => {
    const report = await runConformance({ schemasDir: "schemas", typesDir: "generated" });
    expectPass(report);
    // README: 13 schemas, 95 / 95 valid accepted, 209 / 209 invalid rejected, 0 generator misses; the
    // operation's request body 2 / 2 and 7 / 7, its 202, 4XX and 5XX bodies 44 / 44 and 125 / 125.
    expectCounts(report, DEFAULT_COUNTS);
    expectOperationCounts(report, DEFAULT_OPERATION_COUNTS);
    expect(report.noInstance).toEqual([]);
    expect(report.operations!.noInstance).toEqual([]);
    expect(formatReport(report)).toContain(
      "request bodies: valid accepted 2 / 2 (100.00 %), invalid rejected 7 / 7 (100.00 %); of these, a readOnly key added: 0 / 0",
    );
  });
});

describe("conformance of the embedded default through its Catalogs entry", () => {
  test("the same 100 % / 100 % and counts as through the root, every type checked through tags/catalogs.d.ts", async () => {
    const report = await runConformance({
      schemasDir: "schemas",
      typesDir: "generated",
      entry: "catalogs",
    });
    expectPass(report);
    expect(report.typesDir).toBe("generated/tags/catalogs.d.ts");
    expectCounts(report, DEFAULT_COUNTS);
    expectOperationCounts(report, DEFAULT_OPERATION_COUNTS);
  });

  test("teeth: a nullable dropped in the shared module fails through the entry too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "conformance-entry-teeth-"));
    try {
      copyTypes("generated", dir, (text) =>
        text.replace("pointer?: string | null;", "pointer?: string;"),
      );
      const report = await runConformance({
        schemasDir: "schemas",
        typesDir: dir,
        entry: "catalogs",
      });
      expect(report.passed).toBe(false);
      expect(report.failingSchemas.map((f) => f.schema)).toContain("ErrorSource");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an entry that does not exist is a one-line error", async () => {
    await expect(
      runConformance({ schemasDir: "schemas", typesDir: "generated", entry: "nothing" }),
    ).rejects.toThrow(
      /^generated\/tags\/nothing\.d\.ts: no such entry \(the tags with entries are generated\/tags\/\*\.d\.ts\)$/,
    );
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

describe("conformance of readOnly and writeOnly keys in operations (types generated once)", () => {
  // Reached through a $ref, a oneOf, an array, a schema readOnly at its root, readOnly beside $ref and an
  // allOf, in both directions, required on both kinds; a request body in two media types, one of them
  // inline; an optional request body; a 2XX, a 4XX range and a default response.
  let dir: string;
  let report: ConformanceReport;
  let original: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "conformance-directions-"));
    const generated = await generateFromFiles(DIRECTIONS, readSchemaFolder(DIRECTIONS));
    for (const [name, text] of generated.files) writeFileSync(join(dir, name), text);
    original = generated.files.get("index.d.ts")!;
    report = await runConformance({ schemasDir: DIRECTIONS, typesDir: dir });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function withTypes(edit: (text: string) => string): Promise<ConformanceReport> {
    const edited = edit(original);
    expect(edited).not.toBe(original);
    const broken = mkdtempSync(join(tmpdir(), "conformance-directions-teeth-"));
    try {
      writeFileSync(join(broken, "index.d.ts"), edited);
      return await runConformance({ schemasDir: DIRECTIONS, typesDir: broken });
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  }

  test("100 % / 100 %, with exact counts; every readOnly key added to a request and every writeOnly key added to a response is refused", () => {
    expectPass(report);
    expectCounts(report, { schemas: 8, valid: 24, invalid: 104 });
    expectOperationCounts(report, {
      operations: 2,
      request: { bodies: 3, valid: 18, invalid: 58, hiddenKeys: 14 },
      response: { bodies: 4, valid: 18, invalid: 62, hiddenKeys: 8 },
    });
    expect(report.operations!.noInstance).toEqual([]);
  });

  test("teeth: request bodies typed with components instead of the request variants let a readOnly key in", async () => {
    const broken = await withTypes((text) =>
      text.replaceAll('requestSchemas["', 'components["schemas"]["'),
    );
    expect(broken.passed).toBe(false);
    const request = broken.operations!.request;
    // At least one instance valid but for a readOnly key is accepted (updateAccount's [{ ..., joined }]).
    expect(request.hiddenKeys.rejected).toBeLessThan(request.hiddenKeys.total);
    expect(broken.operations!.failing.map((f) => `${f.operation} ${f.body}`)).toContain(
      "updateAccount request application/json",
    );
    // The schemas themselves are unaffected.
    expect(broken.valid.accepted).toBe(broken.valid.total);
  });

  test("teeth: response bodies typed with components instead of the response variants demand a writeOnly key", async () => {
    const broken = await withTypes((text) =>
      text.replaceAll('responseSchemas["', 'components["schemas"]["'),
    );
    expect(broken.passed).toBe(false);
    const response = broken.operations!.response;
    expect(response.valid.accepted).toBeLessThan(response.valid.total);
    expect(response.hiddenKeys.rejected).toBeLessThan(response.hiddenKeys.total);
  });
});

describe("the harness has teeth: broken types fail", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "conformance-teeth-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function withTypes(edit: (text: string) => string): Promise<ConformanceReport> {
    copyTypes("generated", dir, edit);
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
    expectCounts(report, DEFAULT_COUNTS);
    expectOperationCounts(report, DEFAULT_OPERATION_COUNTS);
  });

  test("exits 1 with the failing schema named when the types are broken, 2 on bad usage", async () => {
    const dir = mkdtempSync(join(tmpdir(), "conformance-cli-"));
    try {
      copyTypes("generated", dir, (text) =>
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

// A later upstream revision, the OpenAPI document synced with every operation into the per-file layout: the
// proof must hold for revisions the pipeline was not tuned on, and for the bodies of every operation.
describeWithUpstream(
  "conformance of the later OpenAPI revision, with its operations",
  UPSTREAM_OPENAPI,
  hasUpstreamOpenApi,
  () => {
    let root: string;
    let report: ConformanceReport;
    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), "conformance-openapi-"));
      await syncSchemas({
        source: { kind: "openapi", location: UPSTREAM_OPENAPI },
        roots: "*",
        operations: "*",
        outDir: join(root, "schemas"),
        lockPath: join(root, "schemas.lock.json"),
      });
      // One generate (into a temp folder) and one compile of every instance.
      report = await runConformance({ schemasDir: join(root, "schemas") });
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    test("the types accept every valid instance and reject every invalid one, schemas and operations' bodies", () => {
      expectPass(report);
    });

    test("the README's numbers exactly: the schemas as before, the bodies of 345 operations per direction", () => {
      // README: 1,290 schemas, 17,607 / 17,607 valid accepted, 24,674 / 24,674 invalid rejected, 0 misses.
      expectCounts(report, { schemas: 1290, valid: 17607, invalid: 24674 });
      expect(report.noInstance).toHaveLength(5);
      // README: 345 operations; 120 request bodies, 340 / 340 and 1,211 / 1,211 (158 with a readOnly key
      // added); 970 response bodies (280 2XX, 690 4XX/5XX), 8,053 / 8,053 and 28,428 / 28,428 (160 with a
      // writeOnly key added).
      expectOperationCounts(report, {
        operations: 345,
        request: { bodies: 120, valid: 340, invalid: 1211, hiddenKeys: 158 },
        response: { bodies: 970, valid: 8053, invalid: 28428, hiddenKeys: 160 },
      });
      // The bodies whose schema has no valid instance the generator can build (the same overlapping oneOfs as
      // the schemas above): only whole-value kind swaps check them.
      expect(report.operations!.noInstance.map((n) => `${n.operation} ${n.body}`)).toEqual([
        "assign_template_to_campaign_message 200 application/vnd.api+json",
        "create_campaign 201 application/vnd.api+json",
        "create_campaign_clone 201 application/vnd.api+json",
        "get_campaign 200 application/vnd.api+json",
        "update_campaign 200 application/vnd.api+json",
      ]);
    });

    test("through the Catalogs entry: its 113 schemas and 55 operations, 100 % / 100 %", async () => {
      const catalogs = await runConformance({
        schemasDir: join(root, "schemas"),
        entry: "catalogs",
      });
      expectPass(catalogs);
      expect(catalogs.typesDir).toBe(
        "types generated into a temp folder, through tags/catalogs.d.ts",
      );
      expect([catalogs.schemas, catalogs.operations!.operations]).toEqual([113, 55]);
    });
  },
);
