/**
 * Every OpenAPI 3.0 keyword with a type meaning, alone and combined with nullable, $ref, allOf/anyOf/oneOf,
 * arrays and required: one fixture per keyword and combination. Each lists values the schema accepts and
 * values it rejects, and the test holds both the generated types and the judge (ajv reading OpenAPI 3.0, on
 * the schemas as written) to that list: a listed value that the schema does not accept or reject as stated is
 * a broken fixture, and one that the types do not is a broken pipeline. Where TypeScript cannot say a thing
 * exactly (README, keyword table), only the sound side is listed.
 *
 * Expensive work is shared: one generate of all fixtures, one compile of all values, one judge.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createJudge, type Judge } from "../scripts/conformance/judge.js";
import { checkTypes, type TypeCheckResult } from "../scripts/conformance/typecheck.js";
import type { Json, JsonObject } from "../scripts/pipeline/json.js";
import { parseSchemaFiles } from "../scripts/pipeline/load.js";
import { resolveSchemaSet } from "../scripts/pipeline/resolve.js";
import { writeOutput } from "../scripts/pipeline/write.js";
import { ENTRY_FILE, generateFromFiles } from "../scripts/pipeline/generate.js";
import { inlineFiles } from "./helpers/fixtures.js";

interface KeywordCase {
  /** The test's name: the keyword and combination. */
  title: string;
  /** The schemas the case declares; `Subject` is the one under test, the others it refers to. */
  schemas: Record<string, JsonObject>;
  subject: string;
  /** The member of components["schemas"] as generated, when its text is worth reviewing. */
  declaration?: string[];
  accept: Json[];
  reject: Json[];
  /** The judge reads discriminator as plain oneOf (a JSON Schema validator ignores it); such cases skip it. */
  judged?: false;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** The branches of the discriminator cases: each open to the other's keys, as plain oneOf would not tell apart. */
const PETS: Record<string, JsonObject> = {
  Cat: {
    type: "object",
    properties: { kind: { type: "string" }, meow: { type: "boolean" } },
    required: ["kind"],
  },
  Dog: {
    type: "object",
    properties: { kind: { type: "string" }, bark: { type: "boolean" } },
    required: ["kind"],
  },
};

const CASES: KeywordCase[] = [
  // additionalProperties
  {
    title: "additionalProperties: false without properties admits only {}",
    schemas: { ClosedEmpty: { type: "object", additionalProperties: false } },
    subject: "ClosedEmpty",
    declaration: ["    ClosedEmpty: {", "      [key: string]: never;", "    };"],
    accept: [{}],
    reject: [{ a: 1 }, { a: null }, [], "x", null],
  },
  {
    title: "additionalProperties: false beside properties refuses undeclared keys in literals",
    schemas: {
      ClosedProps: {
        type: "object",
        properties: { a: { type: "string" } },
        additionalProperties: false,
      },
    },
    subject: "ClosedProps",
    accept: [{}, { a: "x" }],
    reject: [{ a: 1 }, { b: "x" }, null],
  },
  {
    title: "additionalProperties: true admits any keys",
    schemas: { OpenMap: { type: "object", additionalProperties: true } },
    subject: "OpenMap",
    declaration: ["    OpenMap: {", "      [key: string]: unknown;", "    };"],
    accept: [{}, { a: 1, b: "x", c: null, d: [{}] }],
    reject: ["x", null, []],
  },
  {
    title: "additionalProperties: a schema types every value",
    schemas: { NumberMap: { type: "object", additionalProperties: { type: "number" } } },
    subject: "NumberMap",
    declaration: ["    NumberMap: {", "      [key: string]: number;", "    };"],
    accept: [{}, { a: 1, b: 2.5 }],
    reject: [{ a: "1" }, { a: null }],
  },
  {
    title: "additionalProperties: a nullable $ref",
    schemas: {
      Leaf: { type: "object", properties: { v: { type: "string" } }, required: ["v"] },
      LeafMap: { type: "object", additionalProperties: { ...ref("Leaf"), nullable: true } },
    },
    subject: "LeafMap",
    accept: [{}, { a: { v: "x" }, b: null }],
    reject: [{ a: {} }, { a: "x" }],
  },
  {
    title:
      "additionalProperties of another type beside properties: declared keys keep their own type",
    schemas: {
      MixedMap: {
        type: "object",
        properties: { id: { type: "string" }, tag: { type: "boolean", nullable: true } },
        required: ["id"],
        additionalProperties: { type: "number" },
      },
    },
    subject: "MixedMap",
    declaration: [
      "    MixedMap: {",
      "      id: string;",
      "      tag?: boolean | null;",
      "    } & {",
      "      [key: string]: number | string | (boolean | null);",
      "    };",
    ],
    accept: [{ id: "x" }, { id: "x", n: 1, m: 2 }, { id: "x", tag: null, n: 0 }],
    reject: [{ id: 1 }, { id: "x", tag: "yes" }, { id: "x", n: [] }, { id: "x", n: {} }, { n: 1 }],
  },
  {
    title: "additionalProperties: false on a nullable object",
    schemas: { NullableClosed: { type: "object", additionalProperties: false, nullable: true } },
    subject: "NullableClosed",
    accept: [{}, null],
    reject: [{ a: 1 }, "x"],
  },
  // required
  {
    title: "a required key with no property schema must be present, with any value",
    schemas: {
      RequiredUndeclared: {
        type: "object",
        properties: { a: { type: "string" } },
        required: ["a", "b"],
      },
    },
    subject: "RequiredUndeclared",
    declaration: ["    RequiredUndeclared: {", "      a: string;", "      b: unknown;", "    };"],
    accept: [
      { a: "x", b: 1 },
      { a: "x", b: null },
      { a: "x", b: { any: ["thing"] } },
    ],
    reject: [{ a: "x" }, { b: 1 }, {}],
  },
  {
    title: "a required key with no properties at all",
    schemas: { RequiredOnly: { type: "object", required: ["b"] } },
    subject: "RequiredOnly",
    accept: [{ b: "x" }, { b: null }],
    reject: [{}, "x", null],
  },
  {
    title: "a required key with no property schema takes the additionalProperties schema",
    schemas: {
      RequiredFromAdditional: {
        type: "object",
        required: ["count"],
        additionalProperties: { type: "integer" },
      },
    },
    subject: "RequiredFromAdditional",
    accept: [{ count: 1 }, { count: 1, other: 2 }],
    reject: [{}, { count: "1" }, { count: 1, other: "2" }],
  },
  {
    title: "required beside allOf with a nullable $ref: keys required, null still allowed",
    schemas: {
      Base: { type: "object", properties: { id: { type: "string" }, note: { type: "string" } } },
      NullableRequired: { allOf: [{ ...ref("Base"), nullable: true }], required: ["id"] },
    },
    subject: "NullableRequired",
    declaration: [
      '    NullableRequired: WithRequired<components["schemas"]["Base"] | null, "id">;',
    ],
    accept: [null, { id: "1" }, { id: "1", note: "n" }],
    reject: [{}, { note: "n" }, { id: 1 }],
  },
  {
    title: "required beside allOf: keys declared by a $ref'd part, by an inline part, and by none",
    schemas: {
      Base: { type: "object", properties: { id: { type: "string" }, note: { type: "string" } } },
      Composed: {
        allOf: [ref("Base"), { type: "object", properties: { size: { type: "integer" } } }],
        required: ["id", "size", "extra"],
      },
    },
    subject: "Composed",
    declaration: [
      "    Composed: WithRequired<",
      '      components["schemas"]["Base"] & {',
      "        size?: number;",
      "      },",
      '      "id" | "size" | "extra"',
      "    >;",
    ],
    accept: [{ id: "1", size: 2, extra: null }],
    reject: [
      { size: 2, extra: 1 },
      { id: "1", extra: 1 },
      { id: "1", size: 2 },
      { id: 1, size: 2, extra: 1 },
    ],
  },
  {
    title: "required beside allOf through two levels of $ref",
    schemas: {
      Base: { type: "object", properties: { id: { type: "string" }, note: { type: "string" } } },
      Middle: { allOf: [ref("Base")] },
      Deep: { allOf: [ref("Middle")], required: ["id"] },
    },
    subject: "Deep",
    accept: [{ id: "1" }, { id: "1", note: "n" }],
    reject: [{}, { note: "n" }],
  },
  {
    title: "required beside oneOf applies to every object branch, not to primitives",
    schemas: {
      IdA: {
        type: "object",
        properties: { id: { type: "string" }, a: { type: "string" } },
        required: ["a"],
      },
      IdB: {
        type: "object",
        properties: { id: { type: "string" }, b: { type: "number" } },
        required: ["b"],
      },
      EitherWithId: { oneOf: [ref("IdA"), ref("IdB"), { type: "string" }], required: ["id"] },
    },
    subject: "EitherWithId",
    accept: [{ id: "1", a: "x" }, { id: "1", b: 2 }, "plain"],
    reject: [{ a: "x" }, { b: 2 }, 1],
  },
  {
    title: "required beside anyOf with nullable",
    schemas: {
      IdA: {
        type: "object",
        properties: { id: { type: "string" }, a: { type: "string" } },
        required: ["a"],
      },
      MaybeA: { anyOf: [ref("IdA")], nullable: true, required: ["id"] },
    },
    subject: "MaybeA",
    accept: [null, { id: "1", a: "x" }],
    reject: [{ a: "x" }, "x"],
  },
  // enum
  {
    title: "string, integer and boolean enums are literal unions",
    schemas: {
      Enums: {
        type: "object",
        properties: {
          s: { type: "string", enum: ["queued", "done"] },
          i: { type: "integer", enum: [1, 2] },
          b: { type: "boolean", enum: [true] },
        },
        required: ["s", "i", "b"],
      },
    },
    subject: "Enums",
    accept: [{ s: "queued", i: 2, b: true }],
    reject: [
      { s: "other", i: 2, b: true },
      { s: "queued", i: 3, b: true },
      { s: "queued", i: 2, b: false },
      { s: null, i: 2, b: true },
    ],
  },
  {
    title: "a nullable enum admits null whether or not it lists it",
    schemas: {
      NullableEnums: {
        type: "object",
        properties: {
          listed: { type: "string", enum: ["a", null], nullable: true },
          implied: { type: "integer", enum: [1], nullable: true },
        },
        required: ["listed", "implied"],
      },
    },
    subject: "NullableEnums",
    declaration: [
      "    NullableEnums: {",
      "      /** @enum {string|null} */",
      '      listed: "a" | null;',
      "      /** @enum {integer|null} */",
      "      implied: 1 | null;",
      "    };",
    ],
    accept: [
      { listed: null, implied: null },
      { listed: "a", implied: 1 },
    ],
    reject: [
      { listed: "b", implied: 1 },
      { listed: "a", implied: 2 },
    ],
  },
  {
    title: "null listed in a typed enum that is not nullable is not a valid value",
    schemas: { TypedEnumNull: { type: "string", enum: ["a", null] } },
    subject: "TypedEnumNull",
    declaration: ["    /** @enum {string} */", '    TypedEnumNull: "a";'],
    accept: ["a"],
    reject: [null, "b"],
  },
  {
    title: "an untyped enum of null admits null only",
    schemas: { OnlyNull: { enum: [null] } },
    subject: "OnlyNull",
    accept: [null],
    reject: ["null", 0, {}],
  },
  {
    title: "an enum of a $ref'd schema, nullable beside the $ref",
    schemas: {
      Status: { type: "string", enum: ["on", "off"] },
      StatusHolder: {
        type: "object",
        properties: { status: { ...ref("Status"), nullable: true } },
        required: ["status"],
      },
    },
    subject: "StatusHolder",
    accept: [{ status: "on" }, { status: null }],
    reject: [{ status: "maybe" }, {}],
  },
  // untyped and nullable without type
  {
    title: "an untyped schema admits any value",
    schemas: { Anything: { description: "No type." } },
    subject: "Anything",
    accept: [1, "x", true, null, {}, [1, "x"]],
    reject: [],
  },
  {
    title: "nullable without type admits any value",
    schemas: { NullableAnything: { nullable: true } },
    subject: "NullableAnything",
    accept: [null, 1, "x", {}],
    reject: [],
  },
  {
    title: "nullable without type beside properties: the object or null",
    schemas: {
      NullableObject: { nullable: true, properties: { a: { type: "string" } }, required: ["a"] },
    },
    subject: "NullableObject",
    accept: [null, { a: "x" }],
    reject: [{}, { a: 1 }],
  },
  // $ref, nullable and arrays
  {
    title: "nullable beside $ref in a property, in items and at the top level",
    schemas: {
      Link: { type: "object", properties: { href: { type: "string" } }, required: ["href"] },
      MaybeLink: { ...ref("Link"), nullable: true },
      Links: {
        type: "object",
        properties: {
          one: { ...ref("Link"), nullable: true },
          many: { type: "array", items: { ...ref("Link"), nullable: true } },
          top: ref("MaybeLink"),
          strict: ref("Link"),
        },
        required: ["one", "many", "top", "strict"],
      },
    },
    subject: "Links",
    accept: [
      { one: null, many: [null, { href: "h" }], top: null, strict: { href: "h" } },
      { one: { href: "h" }, many: [], top: { href: "h" }, strict: { href: "h" } },
    ],
    reject: [
      { one: null, many: [], top: null, strict: null },
      { one: null, many: [{}], top: null, strict: { href: "h" } },
      { one: null, many: null, top: null, strict: { href: "h" } },
    ],
  },
  {
    title: "arrays of arrays, of enums and of nullable items",
    schemas: {
      Grid: {
        type: "object",
        properties: {
          rows: { type: "array", items: { type: "array", items: { type: "integer" } } },
          tags: { type: "array", items: { type: "string", enum: ["a", "b"] } },
          gaps: { type: "array", items: { type: "string", nullable: true }, nullable: true },
        },
        required: ["rows"],
      },
    },
    subject: "Grid",
    accept: [
      { rows: [] },
      { rows: [[1, 2], []], tags: ["a"], gaps: null },
      { rows: [], gaps: [null, "x"] },
    ],
    reject: [{ rows: [1] }, { rows: [], tags: ["c"] }, { rows: [["1"]] }, { rows: [], tags: null }],
  },
  {
    title: "anyOf and oneOf of primitives and objects, with nullable",
    schemas: {
      A: { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
      Mixed: { oneOf: [{ type: "string" }, ref("A")], nullable: true },
    },
    subject: "Mixed",
    accept: ["x", { a: "y" }, null],
    reject: [1, {}, [], true],
  },
  {
    title: "allOf of two $refs is their intersection",
    schemas: {
      A: { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
      B: { type: "object", properties: { b: { type: "number" } }, required: ["b"] },
      Both: { allOf: [ref("A"), ref("B")] },
    },
    subject: "Both",
    accept: [{ a: "x", b: 1 }],
    reject: [{ a: "x" }, { b: 1 }, null],
  },
  // refs into a schema
  {
    title:
      "a $ref into a schema, and one inside the subschema it copies: required keys cannot hold undefined",
    schemas: {
      Source: {
        type: "object",
        properties: {
          outer: {
            type: "object",
            properties: {
              pointer: { type: "string", nullable: true },
              again: { $ref: "#/components/schemas/Other/properties/inner/properties/code" },
            },
            required: ["again"],
          },
        },
      },
      Other: {
        type: "object",
        properties: { inner: { type: "object", properties: { code: { type: "integer" } } } },
      },
      DeepRefs: {
        type: "object",
        properties: {
          at: { $ref: "#/components/schemas/Source/properties/outer/properties/pointer" },
          nested: { $ref: "#/components/schemas/Source/properties/outer" },
          item: { $ref: "#/components/schemas/Other/properties/inner/properties/code" },
        },
        required: ["at", "nested", "item"],
      },
    },
    subject: "DeepRefs",
    declaration: [
      "    DeepRefs: {",
      "      at: string | null;",
      "      nested: {",
      "        pointer?: string | null;",
      "        again: number;",
      "      };",
      "      item: number;",
      "    };",
    ],
    accept: [
      { at: null, nested: { again: 1 }, item: 2 },
      { at: "x", nested: { pointer: null, again: 1 }, item: 0 },
    ],
    reject: [
      { at: null, nested: {}, item: 2 },
      { at: 1, nested: { again: 1 }, item: 2 },
      { at: null, nested: { again: 1 } },
    ],
  },
  {
    title: "a $ref into an array's items and into an allOf part",
    schemas: {
      Lists: {
        type: "object",
        properties: {
          entries: { type: "array", items: { type: "string", enum: ["x", "y"] } },
          parts: {
            allOf: [{ type: "object", properties: { n: { type: "integer" } }, required: ["n"] }],
          },
        },
      },
      IntoLists: {
        type: "object",
        properties: {
          entry: { $ref: "#/components/schemas/Lists/properties/entries/items", nullable: true },
          part: { $ref: "#/components/schemas/Lists/properties/parts/allOf/0" },
        },
        required: ["entry", "part"],
      },
    },
    subject: "IntoLists",
    accept: [
      { entry: "x", part: { n: 1 } },
      { entry: null, part: { n: 1 } },
    ],
    reject: [
      { entry: "z", part: { n: 1 } },
      { entry: "x", part: {} },
    ],
  },
  // discriminator
  {
    title: "discriminator without mapping narrows each branch by its schema name",
    schemas: {
      ...PETS,
      Pet: { oneOf: [ref("Cat"), ref("Dog")], discriminator: { propertyName: "kind" } },
    },
    subject: "Pet",
    declaration: [
      "    Pet:",
      '      | (components["schemas"]["Cat"] & {',
      "          /** @enum {string} */",
      '          kind: "Cat";',
      "        })",
      '      | (components["schemas"]["Dog"] & {',
      "          /** @enum {string} */",
      '          kind: "Dog";',
      "        });",
    ],
    accept: [
      { kind: "Cat", meow: true },
      { kind: "Dog", bark: false },
    ],
    reject: [{ kind: "cat" }, { meow: true }, { kind: "Cat", meow: "yes" }],
    judged: false,
  },
  {
    title:
      "discriminator with mapping narrows by the mapped values; the branch schemas stay as they are",
    schemas: {
      ...PETS,
      MappedPet: {
        oneOf: [ref("Cat"), ref("Dog")],
        discriminator: {
          propertyName: "kind",
          mapping: {
            cat: "#/components/schemas/Cat",
            kitten: "#/components/schemas/Cat",
            dog: "Dog",
          },
        },
      },
      PetOwner: {
        type: "object",
        properties: { pet: ref("MappedPet"), cat: ref("Cat") },
        required: ["pet"],
      },
    },
    subject: "PetOwner",
    accept: [
      { pet: { kind: "cat", meow: true } },
      { pet: { kind: "kitten" } },
      { pet: { kind: "dog", bark: true } },
      { pet: { kind: "dog" }, cat: { kind: "anything" } },
    ],
    reject: [{ pet: { kind: "Cat" } }, { pet: { kind: "bird" } }, { pet: {} }],
    judged: false,
  },
  {
    title: "discriminator on an allOf base narrows nothing: a hint, read soundly",
    schemas: {
      Animal: {
        type: "object",
        properties: { kind: { type: "string" } },
        required: ["kind"],
        discriminator: { propertyName: "kind" },
      },
      Horse: {
        allOf: [ref("Animal"), { type: "object", properties: { hooves: { type: "integer" } } }],
      },
    },
    subject: "Horse",
    accept: [{ kind: "Horse" }, { kind: "horse", hooves: 4 }],
    reject: [{}, { kind: 1 }, { kind: "Horse", hooves: "4" }],
  },
  // other keywords
  {
    title: "integer and number are number; formats stay strings",
    schemas: {
      Scalars: {
        type: "object",
        properties: {
          i: { type: "integer", minimum: 0 },
          n: { type: "number" },
          when: { type: "string", format: "date-time" },
        },
        required: ["i", "n", "when"],
      },
    },
    subject: "Scalars",
    accept: [{ i: 1, n: 1.5, when: "2026-01-01T00:00:00Z" }],
    reject: [
      { i: "1", n: 1, when: "2026-01-01T00:00:00Z" },
      { i: 1, n: 1, when: 0 },
    ],
  },
  {
    title: "not is read soundly: it narrows nothing",
    schemas: { NotNull: { type: "object", properties: { v: { not: { type: "string" } } } } },
    subject: "NotNull",
    accept: [{}, { v: 1 }, { v: null }],
    reject: ["x"],
  },
];

let dir: string;
let declarations: string;
let result: TypeCheckResult;
let judge: Judge;
/** Case index → line indexes of its values in the one check file. */
const slots: { accept: number[]; reject: number[] }[] = [];

/** All fixtures in one set; a schema that several cases declare must be the same in each. */
function fixtureSet() {
  const merged = new Map<string, JsonObject>();
  for (const c of CASES) {
    for (const [name, body] of Object.entries(c.schemas)) {
      const other = merged.get(name);
      if (other !== undefined && JSON.stringify(other) !== JSON.stringify(body))
        throw new Error(`fixture schema ${name} is declared twice, differently`);
      merged.set(name, body);
    }
  }
  return inlineFiles(
    Object.fromEntries(
      [...merged].map(([name, body]) => [`${name}.json`, { title: name, ...body }]),
    ),
  );
}

beforeAll(async () => {
  const files = fixtureSet();
  const generated = await generateFromFiles("keywords", files);
  declarations = generated.files.get(ENTRY_FILE)!;
  dir = mkdtempSync(join(tmpdir(), "kst-keywords-"));
  writeOutput(join(dir, "out"), generated.files);
  const resolved = await resolveSchemaSet(parseSchemaFiles("keywords", files));
  judge = createJudge(resolved.schemas);
  const typeCases: { schema: string; value: Json }[] = [];
  for (const c of CASES) {
    const slot = { accept: [] as number[], reject: [] as number[] };
    for (const value of c.accept)
      slot.accept.push(typeCases.push({ schema: c.subject, value }) - 1);
    for (const value of c.reject)
      slot.reject.push(typeCases.push({ schema: c.subject, value }) - 1);
    slots.push(slot);
  }
  result = checkTypes(join(dir, "out"), typeCases);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the declarations themselves compile under --strict with skipLibCheck off", () => {
  expect(result.typesErrors).toEqual([]);
});

describe.each(CASES.map((c, i) => [c.title, c, i] as const))("%s", (_title, c, i) => {
  if (c.judged !== false) {
    test("the judge agrees with the fixture: accepted values are valid, rejected ones invalid", () => {
      expect(c.accept.filter((v) => !judge.validate(c.subject, v).valid)).toEqual([]);
      expect(c.reject.filter((v) => judge.validate(c.subject, v).validIgnoringFormats)).toEqual([]);
    });
  }
  test("the types accept every accepted value", () => {
    const refused = slots[i]!.accept.flatMap((line, j) =>
      result.errors[line] === undefined
        ? []
        : [`${JSON.stringify(c.accept[j])}: ${result.errors[line]}`],
    );
    expect(refused).toEqual([]);
  });
  if (c.reject.length > 0) {
    test("the types reject every rejected value", () => {
      const let_through = slots[i]!.reject.flatMap((line, j) =>
        result.errors[line] === undefined ? [JSON.stringify(c.reject[j])] : [],
      );
      expect(let_through).toEqual([]);
    });
  }
  if (c.declaration !== undefined) {
    test("the declaration reads as reviewed", () => {
      expect(member(declarations, c.subject)).toBe(c.declaration!.join("\n"));
    });
  }
});

/** The formatted member of components["schemas"] for `name`, without its JSDoc, 4-space indented. */
function member(text: string, name: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex(
    (line) => line === `    ${name}:` || line.startsWith(`    ${name}: `),
  );
  if (start === -1) throw new Error(`no member ${name}`);
  let first = start;
  while (first > 0 && /^ {4}(\/\*\*| \*)/.test(lines[first - 1]!)) first--;
  // A member's own lines are indented deeper than 4, or close it at 4 (`    };`, `    >;`).
  let end = start;
  while (/^ {6}| {4}[}>)]/.test(lines[end + 1] ?? "")) end++;
  return lines.slice(first, end + 1).join("\n");
}
