/**
 * One small schema set per feature of the keyword → type mapping, each asserting the exact declaration
 * text and, where it matters, what the compiler accepts and rejects.
 */
import { format } from "prettier";
import { WITH_REQUIRED_HELPER } from "../scripts/pipeline/helper-types.js";
import { PRETTIER_OPTIONS } from "../scripts/pipeline/format.js";
import { declarationsFor, inlineFiles, schemaFile } from "./helpers/fixtures.js";
import { typecheckAgainst } from "./helpers/typecheck.js";

const set = (...files: [string, unknown][]) => inlineFiles(Object.fromEntries(files));

/** The formatted member of components["schemas"] for `name`, 4-space indented as emitted. */
function member(declarations: string, name: string): string {
  const lines = declarations.split("\n");
  const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
  const start = lines.findIndex(
    (line) => line.startsWith(`    ${key}: `) || line.startsWith(`    ${key}?: `),
  );
  if (start === -1) throw new Error(`no member ${name} in:\n${declarations}`);
  // Leading JSDoc belongs to the member.
  let first = start;
  while (first > 0 && /^\s{4}(\/\*\*| \*)/.test(lines[first - 1]!)) first--;
  let end = start;
  if (!lines[start]!.trimEnd().endsWith(";")) {
    while (end < lines.length && !lines[end]!.startsWith("    }")) end++;
  }
  return lines.slice(first, end + 1).join("\n");
}

describe("required and optional", () => {
  test("`?` follows required alone; default does not make a key required", async () => {
    const d = await declarationsFor(
      set(
        schemaFile("Counts", {
          type: "object",
          properties: {
            total: { type: "integer" },
            done: { type: "integer", default: 0 },
            label: { type: "string", default: "x" },
          },
          required: ["total"],
        }),
      ),
    );
    expect(member(d, "Counts")).toBe(
      [
        "    Counts: {",
        "      total: number;",
        "      /** @default 0 */",
        "      done?: number;",
        "      /** @default x */",
        "      label?: string;",
        "    };",
      ].join("\n"),
    );
    expect(
      typecheckAgainst(
        d,
        `import type { Counts } from "./index";\nconst ok: Counts = { total: 1 };\n// @ts-expect-error total is required\nconst missing: Counts = { done: 1 };\n`,
      ),
    ).toEqual([]);
  });
});

describe("nullable", () => {
  const files = set(
    schemaFile("Link", {
      type: "object",
      properties: { href: { type: "string" } },
      required: ["href"],
    }),
    schemaFile("Holder", {
      type: "object",
      properties: {
        plain: { type: "string", nullable: true },
        strict: { type: "string" },
        link: { $ref: "#/components/schemas/Link", nullable: true, description: "May be null." },
        links: { type: "array", items: { $ref: "#/components/schemas/Link", nullable: true } },
        required_link: { $ref: "#/components/schemas/Link" },
      },
      required: ["plain", "strict", "link", "links", "required_link"],
    }),
    schemaFile("MaybeLink", { $ref: "#/components/schemas/Link", nullable: true }),
  );

  test("`| null` where nullable, also beside $ref in properties, items and at the top level", async () => {
    const d = await declarationsFor(files);
    expect(member(d, "Holder")).toBe(
      [
        "    Holder: {",
        "      plain: string | null;",
        "      strict: string;",
        "      /** @description May be null. */",
        '      link: components["schemas"]["Link"] | null;',
        '      links: (components["schemas"]["Link"] | null)[];',
        '      required_link: components["schemas"]["Link"];',
        "    };",
      ].join("\n"),
    );
    expect(member(d, "MaybeLink")).toBe('    MaybeLink: components["schemas"]["Link"] | null;');
  });

  test("null is accepted exactly where nullable", async () => {
    const d = await declarationsFor(files);
    const code = [
      'import type { Holder, MaybeLink } from "./index";',
      'const ok: Holder = { plain: null, strict: "s", link: null, links: [null, { href: "h" }], required_link: { href: "h" } };',
      "const top: MaybeLink = null;",
      "// @ts-expect-error strict is not nullable",
      'const bad1: Holder = { plain: null, strict: null, link: null, links: [], required_link: { href: "h" } };',
      "// @ts-expect-error a $ref without nullable is not nullable",
      'const bad2: Holder = { plain: null, strict: "s", link: null, links: [], required_link: null };',
      "",
    ].join("\n");
    expect(typecheckAgainst(d, code)).toEqual([]);
  });
});

describe("enum", () => {
  test("literal unions, with null when nullable", async () => {
    const d = await declarationsFor(
      set(
        schemaFile("Status", { type: "string", enum: ["queued", "complete"] }),
        schemaFile("Level", { type: "integer", enum: [1, 2, 3], nullable: true }),
      ),
    );
    expect(member(d, "Status")).toBe(
      ["    /** @enum {string} */", '    Status: "queued" | "complete";'].join("\n"),
    );
    expect(member(d, "Level")).toBe(
      ["    /** @enum {integer|null} */", "    Level: 1 | 2 | 3 | null;"].join("\n"),
    );
    expect(
      typecheckAgainst(
        d,
        `import type { Status, Level } from "./index";\nconst a: Status = "queued";\nconst b: Level = null;\n// @ts-expect-error not in the list\nconst c: Status = "running";\n// @ts-expect-error not in the list\nconst e: Level = 4;\n`,
      ),
    ).toEqual([]);
  });
});

describe("composition", () => {
  const files = set(
    schemaFile("A", { type: "object", properties: { a: { type: "string" } }, required: ["a"] }),
    schemaFile("B", { type: "object", properties: { b: { type: "number" } }, required: ["b"] }),
    schemaFile("OneOf", {
      oneOf: [{ $ref: "#/components/schemas/A" }, { $ref: "#/components/schemas/B" }],
    }),
    schemaFile("AnyOf", { anyOf: [{ type: "string" }, { type: "integer" }], nullable: true }),
    schemaFile("AllOf", {
      allOf: [{ $ref: "#/components/schemas/A" }, { $ref: "#/components/schemas/B" }],
    }),
  );

  test("oneOf and anyOf give unions, allOf an intersection", async () => {
    const d = await declarationsFor(files);
    expect(member(d, "OneOf")).toBe(
      '    OneOf: components["schemas"]["A"] | components["schemas"]["B"];',
    );
    expect(member(d, "AnyOf")).toBe("    AnyOf: (string | number) | null;");
    expect(member(d, "AllOf")).toBe(
      '    AllOf: components["schemas"]["A"] & components["schemas"]["B"];',
    );
    const code = [
      'import type { OneOf, AllOf } from "./index";',
      "const one: OneOf = { b: 1 };",
      'const all: AllOf = { a: "x", b: 1 };',
      "// @ts-expect-error allOf needs both",
      'const half: AllOf = { a: "x" };',
      "",
    ].join("\n");
    expect(typecheckAgainst(d, code)).toEqual([]);
  });
});

describe("allOf with a required list of its own", () => {
  test("keys a $ref'd schema leaves optional become required, and the helper type is declared", async () => {
    const d = await declarationsFor(
      set(
        schemaFile("Base", {
          type: "object",
          properties: { id: { type: "string" }, note: { type: "string" } },
        }),
        schemaFile("Named", { allOf: [{ $ref: "#/components/schemas/Base" }], required: ["id"] }),
      ),
    );
    expect(member(d, "Named")).toBe(
      '    Named: WithRequired<components["schemas"]["Base"], "id">;',
    );
    expect(d.endsWith(`${WITH_REQUIRED_HELPER}\n`)).toBe(true);
    expect(await format(d, PRETTIER_OPTIONS)).toBe(d);
    const code =
      'import type { Named } from "./index";\nconst n: Named = { id: "1" };\n// @ts-expect-error id is required here\nconst m: Named = { note: "x" };\n';
    expect(typecheckAgainst(d, code)).toEqual([]);
  });
});

describe("references", () => {
  test("named schemas stay named, and self-reference works", async () => {
    const d = await declarationsFor(
      set(
        schemaFile("Step", {
          type: "object",
          properties: {
            id: { type: "string" },
            next: { type: "array", items: { $ref: "#/components/schemas/Step" } },
          },
          required: ["id"],
        }),
      ),
    );
    expect(member(d, "Step")).toBe(
      [
        "    Step: {",
        "      id: string;",
        '      next?: components["schemas"]["Step"][];',
        "    };",
      ].join("\n"),
    );
    expect(
      typecheckAgainst(
        d,
        `import type { Step } from "./index";\nconst s: Step = { id: "1", next: [{ id: "2", next: [] }] };\n// @ts-expect-error inner id must be a string\nconst t: Step = { id: "1", next: [{ id: 2 }] };\n`,
      ),
    ).toEqual([]);
  });

  test("a $ref into a schema copies that subschema: a required key cannot hold undefined", async () => {
    const d = await declarationsFor(
      set(
        schemaFile("Source", {
          type: "object",
          properties: { pointer: { type: "string", nullable: true } },
        }),
        schemaFile("Err", {
          type: "object",
          properties: {
            at: { $ref: "#/components/schemas/Source/properties/pointer", description: "Where." },
          },
          required: ["at"],
        }),
      ),
    );
    expect(member(d, "Err")).toBe(
      ["    Err: {", "      /** @description Where. */", "      at: string | null;", "    };"].join(
        "\n",
      ),
    );
    const code =
      'import type { Err } from "./index";\nconst ok: Err = { at: null };\n// @ts-expect-error at is required\nconst no: Err = { at: undefined };\n';
    expect(typecheckAgainst(d, code)).toEqual([]);
  });

  test("a sibling file reference and `#` resolve inside the set", async () => {
    const d = await declarationsFor(
      set(
        schemaFile("Leaf", { type: "string" }),
        schemaFile("Tree", {
          type: "object",
          properties: { leaf: { $ref: "klaviyo-leaf-schema.json" }, self: { $ref: "#" } },
        }),
      ),
    );
    expect(member(d, "Tree")).toContain('leaf?: components["schemas"]["Leaf"];');
    expect(member(d, "Tree")).toContain('self?: components["schemas"]["Tree"];');
  });
});

describe("JSDoc", () => {
  test("description, example, default, format and deprecated are kept; */ cannot end the comment", async () => {
    const d = await declarationsFor(
      set(
        schemaFile("Doc", {
          type: "object",
          properties: {
            when: {
              type: "string",
              format: "date-time",
              description: "A time. */ not the end",
              example: "2022-11-08T00:00:00+00:00",
              default: "now",
            },
            old: { type: "boolean", deprecated: true, description: "Use when." },
            id: { type: "string", readOnly: true },
          },
        }),
      ),
    );
    expect(member(d, "Doc")).toBe(
      [
        "    Doc: {",
        "      /**",
        "       * Format: date-time",
        "       * @description A time. *\\/ not the end",
        "       * @default now",
        "       * @example 2022-11-08T00:00:00+00:00",
        "       */",
        "      when?: string;",
        "      /**",
        "       * @deprecated",
        "       * @description Use when.",
        "       */",
        "      old?: boolean;",
        "      /** Read-only: sent by the API, not accepted in requests. */",
        "      readonly id?: string;",
        "    };",
      ].join("\n"),
    );
    expect(
      typecheckAgainst(d, `import type { Doc } from "./index";\nconst d: Doc = { when: "x" };\n`),
    ).toEqual([]);
  });
});

describe("objects without properties", () => {
  test("`{ type: object }` accepts any object, not only `{}`", async () => {
    const d = await declarationsFor(
      set(schemaFile("Bag", { type: "object", properties: { meta: { type: "object" } } })),
    );
    expect(member(d, "Bag")).toBe(
      ["    Bag: {", "      meta?: Record<string, unknown>;", "    };"].join("\n"),
    );
    expect(
      typecheckAgainst(
        d,
        `import type { Bag } from "./index";\nconst b: Bag = { meta: { any: 1, thing: "x" } };\n// @ts-expect-error meta is an object\nconst c: Bag = { meta: 1 };\n`,
      ),
    ).toEqual([]);
  });
});

describe("an object that admits no keys", () => {
  test("`maxProperties: 0` admits only `{}` (openapi-typescript ignores maxProperties)", async () => {
    const d = await declarationsFor(
      set(schemaFile("Empty", { type: "object", maxProperties: 0, nullable: true })),
    );
    expect(member(d, "Empty")).toBe(
      ["    Empty: {", "      [key: string]: never;", "    } | null;"].join("\n"),
    );
    expect(
      typecheckAgainst(
        d,
        `import type { Empty } from "./index";\nconst a: Empty = {};\nconst b: Empty = null;\n// @ts-expect-error no keys allowed\nconst c: Empty = { key: 1 };\n`,
      ),
    ).toEqual([]);
  });
});

describe("awkward names", () => {
  const text = `{
  "title": "Odd",
  "type": "object",
  "properties": {
    "__proto__": { "type": "string" },
    "constructor": { "type": "number" },
    "toString": { "type": "boolean" },
    "has\\"quote": { "type": "string" },
    "dash-ed": { "type": "string" },
    "$dollar": { "type": "string" },
    "$ref": { "type": "string" }
  },
  "required": ["__proto__", "constructor", "toString"]
}`;

  test("property names like __proto__, constructor, toString, quotes, dashes and $ stay properties", async () => {
    const d = await declarationsFor(inlineFiles({ "odd.json": text }));
    expect(member(d, "Odd")).toBe(
      [
        "    Odd: {",
        "      __proto__: string;",
        "      constructor: number;",
        "      toString: boolean;",
        "      'has\"quote'?: string;",
        '      "dash-ed"?: string;',
        "      $dollar?: string;",
        "      $ref?: string;",
        "    };",
      ].join("\n"),
    );
    const code = [
      'import type { Odd } from "./index";',
      'const o: Odd = { ["__proto__"]: "p", constructor: 1, toString: true, "dash-ed": "d", $ref: "r" };',
      "// @ts-expect-error constructor must be a number",
      'const p: Odd = { ["__proto__"]: "p", constructor: "x", toString: true };',
      "",
    ].join("\n");
    expect(typecheckAgainst(d, code)).toEqual([]);
  });

  test("schema names that are not identifiers get deterministic type names", async () => {
    const d = await declarationsFor(
      inlineFiles({
        "a.json": { title: "catalog-item", type: "string" },
        "b.json": { title: "2fa", type: "string" },
        "c.json": { title: "default", type: "string" },
        "d.json": { title: "Ünïcode", type: "string" },
        "e.json": { title: "with space", type: "string" },
      }),
    );
    expect(d).toContain('export type catalog_item = components["schemas"]["catalog-item"];');
    expect(d).toContain('export type _2fa = components["schemas"]["2fa"];');
    expect(d).toContain('export type default_ = components["schemas"]["default"];');
    expect(d).toContain('export type Ünïcode = components["schemas"]["Ünïcode"];'); // already an identifier
    expect(d).toContain('export type with_space = components["schemas"]["with space"];');
  });
});
