/**
 * Formatting in parts gives the bytes of the pipeline as it was: openapiTS() on the whole document and
 * prettier (typescript parser) on the whole file. Checked on tricky fixtures, the embedded default, the
 * whole upstream set and the later OpenAPI document (worker threads: see build.test.ts and cache.test.ts); plus the
 * splitting functions' refusals.
 */
import { basename, resolve } from "node:path";
import { readFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";
import { format } from "prettier";
import ts from "typescript";
import {
  aliasInPrettierForm,
  aliasLines,
  ChunkError,
  finishMember,
  header,
  partsOf,
  pathMemberText,
  planMember,
  spliceFrame,
  splitAliases,
  splitFragments,
  splitMembers,
  wrapAliases,
  wrapFragments,
  wrapMembers,
  type Container,
  type EmitInput,
  type NamedOperation,
} from "../scripts/pipeline/chunks.js";
import {
  OPENAPI_TS_OPTIONS,
  applyRequiredMarkers,
  createEmitter,
  emitDeclarations,
  openApiDocument,
} from "../scripts/pipeline/emit.js";
import { helperTypes } from "../scripts/pipeline/helper-types.js";
import { formatDeclarations } from "../scripts/pipeline/format.js";
import { ENTRY_FILE, generateFromFiles } from "../scripts/pipeline/generate.js";
import { parseSchemaFiles, readSchemaFolder, type SchemaFile } from "../scripts/pipeline/load.js";
import { normalizeSchemaSet } from "../scripts/pipeline/normalize.js";
import { splitOpenApiDocument, splitOpenApiLayout } from "../scripts/pipeline/openapi-split.js";
import { resolveSchemaSet } from "../scripts/pipeline/resolve.js";
import { expectError } from "./helpers/expect-error.js";
import { inlineFiles, schemaFile } from "./helpers/fixtures.js";
import {
  UPSTREAM_OPENAPI,
  UPSTREAM_SET,
  describeWithUpstream,
  hasUpstreamOpenApi,
  hasUpstreamSet,
} from "./helpers/upstream.js";

/**
 * The pipeline before it worked in parts: openapiTS() on emit's document (with its required-keys markers, which
 * emit replaces the same way in either path) and one prettier run with the typescript parser over the whole file,
 * the helper types included (so this also checks that the declared helper is in prettier's form).
 */
async function reference(dir: string, files: readonly SchemaFile[]): Promise<string> {
  const set = normalizeSchemaSet(await resolveSchemaSet(parseSchemaFiles(dir, files)));
  const nodes = await openapiTS(openApiDocument(set) as never, OPENAPI_TS_OPTIONS);
  const body = astToString(
    nodes
      .filter((node) => ts.isInterfaceDeclaration(node) && node.name.text === "components")
      .map(applyRequiredMarkers),
  );
  const text = `${header(set, { source: basename(resolve(dir)) })}\n${body}\n${aliasLines(set).join("\n")}\n`;
  return format(text + helperTypes(text), {
    parser: "typescript",
    printWidth: 100,
    tabWidth: 2,
    useTabs: false,
    semi: true,
    singleQuote: false,
    trailingComma: "all",
    endOfLine: "lf",
  });
}

const long = "A".repeat(70);
const TRICKY = inlineFiles(
  Object.fromEntries([
    schemaFile("Plain", {
      type: "object",
      properties: { id: { type: "string" } },
      required: ["id"],
    }),
    // Raw text, so that "__proto__" is a property rather than a prototype.
    [
      "klaviyo-described-schema.json",
      JSON.stringify({
        $id: "#/components/schemas/Described",
        title: "Described",
        description:
          "First paragraph.\n\nSecond paragraph, after a blank line, with a */ inside and a very long sentence that goes well past one hundred characters.",
        type: "object",
        properties: {
          "quoted-key": { type: "string", example: "x" },
          PROTO: { type: "integer" },
          constructor: { type: "string" },
          $dollar: { type: "boolean" },
        },
      }).replace('"PROTO"', '"__proto__"'),
    ],
    schemaFile("Status", { type: "string", enum: ["queued", "running", "done"], nullable: true }),
    schemaFile("Holder", {
      type: "object",
      properties: {
        link: { $ref: "#/components/schemas/Plain", nullable: true },
        all: { allOf: [{ $ref: "#/components/schemas/Plain" }], description: "Intersection." },
      },
    }),
    schemaFile("Required", { allOf: [{ $ref: "#/components/schemas/Plain" }], required: ["id"] }),
    schemaFile("Union", {
      oneOf: [
        { $ref: "#/components/schemas/Plain" },
        { type: "string" },
        { type: "array", items: { $ref: "#/components/schemas/Status" } },
      ],
    }),
    schemaFile("Step", {
      type: "object",
      properties: { next: { type: "array", items: { $ref: "#/components/schemas/Step" } } },
    }),
    schemaFile(`${long}Name`, { type: "object", properties: { value: { type: "string" } } }),
    schemaFile("Pet", {
      oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }],
      discriminator: { propertyName: "kind" },
    }),
    schemaFile("Cat", {
      type: "object",
      properties: { kind: { type: "string" }, meow: { type: "boolean" } },
      required: ["kind"],
    }),
    schemaFile("Dog", {
      type: "object",
      properties: { kind: { type: "string" } },
      required: ["kind"],
    }),
    schemaFile("Bag", {
      type: "object",
      additionalProperties: { type: "number" },
      readOnly: true,
      deprecated: true,
      default: {},
    }),
  ]),
);

describe("formatting in parts gives the reference bytes", () => {
  test("tricky fixtures: quoted and prototype-named keys, blank lines in JSDoc, long names, allOf, discriminators", async () => {
    const expected = await reference("fixture", TRICKY);
    expect((await generateFromFiles("fixture", TRICKY)).files.get(ENTRY_FILE)).toBe(expected);
    // Through a worker thread too: the set is copied to it, "__proto__" and all.
    const threaded = await generateFromFiles("fixture", TRICKY, undefined, { threads: 1 });
    expect(threaded.files.get(ENTRY_FILE)).toBe(expected);
    expect(expected).toContain("__proto__?: number;");
    // The long name's alias is wrapped by prettier onto a second line, and splitAliases keeps it whole.
    expect(expected).toContain(
      `export type ${long}Name =\n  components["schemas"]["${long}Name"];\n`,
    );
  });

  test("the embedded default (with its operation): in parts, as the whole file formatted at once", async () => {
    const files = readSchemaFolder("schemas");
    // openapiTS() types operations without this project's variants and docs, so the reference here is the
    // whole-file path: every part emitted, spliced, then formatted in one prettier run.
    const set = normalizeSchemaSet(await resolveSchemaSet(parseSchemaFiles("schemas", files)));
    expect(set.operations).toHaveLength(1);
    const expected = await formatDeclarations(await emitDeclarations(set, { source: "schemas" }));
    // As one file: the entry points (entries.ts) rearrange these same members; test/entries.test.ts.
    const oneFile = await generateFromFiles("schemas", files, undefined, { layout: "one-file" });
    expect(oneFile.files.get(ENTRY_FILE)).toBe(expected);
  });

  test("emitDeclarations (the whole file, unformatted) formats to the same bytes", async () => {
    const set = normalizeSchemaSet(await resolveSchemaSet(parseSchemaFiles("fixture", TRICKY)));
    expect(await formatDeclarations(await emitDeclarations(set, { source: "fixture" }))).toBe(
      await reference("fixture", TRICKY),
    );
  });
});

describeWithUpstream("formatting in parts, catalog scale", UPSTREAM_SET, hasUpstreamSet, () => {
  let files: SchemaFile[] = [];
  let expected = "";
  beforeAll(async () => {
    files = readSchemaFolder(UPSTREAM_SET);
    expected = await reference(UPSTREAM_SET, files);
  });

  test("the whole upstream set, in this thread", async () => {
    expect((await generateFromFiles(UPSTREAM_SET, files)).files.get(ENTRY_FILE)).toBe(expected);
  });

  test("the whole upstream set, emitted on a worker thread and laid out here", async () => {
    const result = await generateFromFiles(UPSTREAM_SET, files, undefined, { threads: 1 });
    expect(result.files.get(ENTRY_FILE)).toBe(expected);
  });
});

describeWithUpstream(
  "formatting in parts, the later OpenAPI document",
  UPSTREAM_OPENAPI,
  hasUpstreamOpenApi,
  () => {
    test("the whole document with its operations: in parts, as the whole file formatted at once", async () => {
      // What npm run sync --all makes of it; the reference is every part emitted, spliced, then formatted in one
      // prettier run (openapiTS() types operations without this project's variants and docs).
      const files = splitOpenApiLayout(
        UPSTREAM_OPENAPI,
        JSON.parse(readFileSync(UPSTREAM_OPENAPI, "utf8")),
        "openapi",
      );
      const set = normalizeSchemaSet(await resolveSchemaSet(parseSchemaFiles("openapi", files)));
      expect([set.schemas.length, set.operations.length]).toEqual([1290, 345]);
      const expected = await formatDeclarations(await emitDeclarations(set, { source: "openapi" }));
      // As one file: the entry points (entries.ts) rearrange these same members; test/entries.test.ts.
      const oneFile = await generateFromFiles("openapi", files, undefined, { layout: "one-file" });
      expect(oneFile.files.get(ENTRY_FILE)).toBe(expected);
      // Every member of paths, made without the emitter, is the emitter's text.
      const emitter = createEmitter(set);
      const routes = new Map<string, NamedOperation[]>();
      for (const o of set.operations) routes.set(o.route, [...(routes.get(o.route) ?? []), o]);
      expect(routes.size).toBe(238);
      for (const [route, operations] of routes)
        expect(pathMemberText(operations)).toBe(
          emitter.part({ container: "paths", name: route }).text,
        );
      // Most members need no prettier at all, and what does is a small part of the text.
      const plans = partsOfSet(set).map(({ container, text }) => planMember(container, text));
      const fragmentChars = plans
        .flatMap((p) => p.fragments)
        .reduce((n, f) => n + f.text.length, 0);
      const memberChars = partsOfSet(set).reduce((n, p) => n + p.text.length, 0);
      expect(plans.filter((p) => p.fragments.length === 0).length / plans.length).toBeGreaterThan(
        0.8,
      );
      expect(fragmentChars / memberChars).toBeLessThan(0.1);
    });

    test("all of its component schemas", async () => {
      const files = splitOpenApiDocument(
        UPSTREAM_OPENAPI,
        JSON.parse(readFileSync(UPSTREAM_OPENAPI, "utf8")),
        "openapi",
      );
      expect((await generateFromFiles("openapi", files)).files.get(ENTRY_FILE)).toBe(
        await reference("openapi", files),
      );
    });
  },
);

/** Every member of a set as the emitter prints it, unformatted. */
function partsOfSet(set: EmitInput) {
  const emitter = createEmitter(set);
  return partsOf(set).map((id) => emitter.part(id));
}

/** A member as the pipeline lays it out: what needs no prettier by the rule, its fragments by prettier. */
async function laidOut(container: Container, text: string): Promise<string> {
  const plan = planMember(container, text);
  const formatted =
    plan.fragments.length === 0
      ? []
      : splitFragments(await formatDeclarations(wrapFragments(plan.fragments)), plan.fragments);
  return finishMember(plan, formatted);
}

/** The same member formatted by prettier, in its container. */
async function byPrettier(container: Container, text: string): Promise<string> {
  return splitMembers(container, await formatDeclarations(wrapMembers(container, [text])), 1)[0]!;
}

describe("what needs no prettier", () => {
  // Members as the TypeScript printer writes them (4 spaces a level), each with what the rule must do with it.
  const members: [Container, string, "all" | "part" | "none"][] = [
    [
      "schemas",
      'A: {\n    /** @description One line. */\n    id: string;\n    tags?: ("a" | "b")[];\n};',
      "all",
    ],
    // A doc comment line ending in whitespace: prettier keeps two trailing spaces (a Markdown line break).
    [
      "schemas",
      "A: {\n    /**\n     * Two spaces:  \n     */\n    id: string;\n    n: number;\n};",
      "part",
    ],
    ["schemas", "A: {\n    /**\n     * Tab:\t\n     */\n    id: string;\n};", "part"],
    // A string with an escaped quote (prettier changes the quotes), numbers prettier rewrites.
    [
      "schemas",
      'A: {\n    q: "say \\"hi\\"";\n    n: 1.50;\n    e: 1e+21;\n    ok: 1.5 | -2;\n};',
      "part",
    ],
    // A quoted key that needs no quotes goes to prettier with the keys beside it.
    [
      "schemas",
      'A: {\n    b: {\n        "a": string;\n        "b-c": string;\n    };\n    c: string;\n};',
      "part",
    ],
    ["schemas", 'A: {\n    "123": string;\n    "4XX": string;\n    200: string;\n};', "none"],
    // Long unions: on a line of their own when they fit there, else one member a line; arrays likewise.
    [
      "schemas",
      `A: {\n    key?: ${["a", "b", "c", "d", "e", "f", "g", "h", "i"].map((x) => `"${x.repeat(8)}"`).join(" | ")};\n};`,
      "all",
    ],
    [
      "schemas",
      `A: {\n    key?: ${Array.from({ length: 12 }, (_, i) => `"value_${i}"`).join(" | ")} | null;\n};`,
      "all",
    ],
    [
      "operations",
      `a: {\n    "fields[x]"?: (${Array.from({ length: 8 }, (_, i) => `"field_${i}"`).join(" | ")})[];\n};`,
      "all",
    ],
    [
      "operations",
      `a: {\n    "fields[x]"?: (${Array.from({ length: 20 }, (_, i) => `"field_${i}"`).join(" | ")})[];\n};`,
      "all",
    ],
    // What it does not lay out itself: unions of objects, intersections over lines, a union inside a union.
    [
      "schemas",
      "A: {\n    data: ({\n        a: string;\n    } | {\n        b: string;\n    })[];\n};",
      "part",
    ],
    [
      "schemas",
      'A: {\n    data: {\n        a: string;\n    } & components["schemas"]["B"];\n};',
      "part",
    ],
    [
      "schemas",
      `A: {\n    x?: (${Array.from({ length: 12 }, (_, i) => `"value_${i}"`).join(" | ")}) | null;\n};`,
      "part",
    ],
    [
      "schemas",
      "A: {\n    list: {\n        a: string;\n    }[];\n    maybe?: {\n        b: string;\n    } | null;\n};",
      "all",
    ],
    ["schemas", "A: {\n    listOrNull: {\n        a: string;\n    }[] | null;\n};", "part"],
    // Wide characters count twice: a line that may not fit goes to prettier.
    ["schemas", `A: {\n    k: "${"é".repeat(45)}" | "x";\n};`, "part"],
    // Not in the printer's shape at all: the member is one fragment.
    ["schemas", "A: {\n  x: string;\n};", "none"],
  ];
  test.each(members)(
    "%s member %#: the bytes prettier gives",
    async (container, text, expected) => {
      expect(await laidOut(container, text)).toBe(await byPrettier(container, text));
      const plan = planMember(container, text);
      const whole = plan.fragments.length === 1 && plan.pieces.join("") === "";
      expect(plan.fragments.length === 0 ? "all" : whole ? "none" : "part").toBe(expected);
    },
  );

  test("members of paths made without the emitter: its text, or none where only the printer knows it", () => {
    const operation = (
      route: string,
      method: string,
      operationId: string,
      extra: Record<string, unknown>,
    ): NamedOperation => ({
      operationId,
      route,
      method: method as NamedOperation["method"],
      operation: { responses: {}, ...extra } as NamedOperation["operation"],
    });
    const emitted = (operations: NamedOperation[]) =>
      createEmitter({
        schemas: [],
        variants: { request: [], response: [] },
        operations,
        components: [],
      }).part({ container: "paths", name: operations[0]!.route }).text;
    const made: NamedOperation[][] = [
      [
        operation("/a/{id}", "get", "get_a", {
          summary: "  Get an A  \r\nsecond line\t",
          description: "Ends */ here.\n\n  Indented, with trailing spaces   \n\tTabbed. Ünïcode ✓",
          deprecated: true,
          "x-klaviyo-scopes": ["a:read"],
          "x-klaviyo-ratelimit": { burst: "1/s" },
          "x-klaviyo-operation-aliases": ["fetch_a"],
          "x-klaviyo-pre-release": "beta",
        }),
        operation("/a/{id}", "patch", "update_a", { summary: "One line" }),
      ],
      [operation("/b", "post", "create_b", {})],
    ];
    for (const operations of made) expect(pathMemberText(operations)).toBe(emitted(operations));
    // Line breaks the printer splits at and a route or id it would escape: left to the emitter.
    expect(pathMemberText([operation("/c", "get", "c", { summary: "a\rb" })])).toBeUndefined();
    expect(
      pathMemberText([operation("/c", "get", "c", { description: "a\u2028b" })]),
    ).toBeUndefined();
    expect(pathMemberText([operation('/c/"q"', "get", "c", {})])).toBeUndefined();
    expect(pathMemberText([operation("/c/é", "get", "c", {})])).toBeUndefined();
    expect(pathMemberText([operation("/c", "get", "c\\d", {})])).toBeUndefined();
  });

  test("alias lines: as prettier lays them out, or left to it", async () => {
    const alias = (name: string, key = name) =>
      `export type ${name} = components["schemas"][${JSON.stringify(key)}];`;
    const lines = [
      alias("Short"),
      alias("A".repeat(40)), // just too long: broken after "="
      alias("B".repeat(72)), // its reference just fits on a line of its own
      alias("C".repeat(73)), // it does not: left to prettier
      alias("Quoted", 'say "hi"'),
      alias("Wide", "é".repeat(10)),
    ];
    for (const line of lines) {
      const laid = aliasInPrettierForm(line);
      if (laid !== undefined) expect(laid).toBe(await formatDeclarations(wrapAliases([line])));
    }
    expect(lines.map((line) => aliasInPrettierForm(line) !== undefined)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  test("fragments come back in their wrappers, or not at all", async () => {
    const fragments = [
      { indent: 4, text: "a: string;" },
      { indent: 8, text: "b: number;" },
    ];
    const formatted = await formatDeclarations(wrapFragments(fragments));
    expect(splitFragments(formatted, fragments)).toEqual([
      "    a: string;\n",
      "        b: number;\n",
    ]);
    expectError(
      () => splitFragments(formatted, fragments.slice(0, 1)),
      "chunks: expected 1 formatted fragments, found 2",
      ChunkError,
    );
    expectError(
      () => splitFragments(formatted, [fragments[1]!, fragments[0]!]),
      "chunks: a formatted fragment came back without its wrapper",
      ChunkError,
    );
    expectError(
      () => wrapFragments([{ indent: 4, text: "a: {\n\n};" }]),
      "chunks: a fragment contains a blank line: a: {\n\n};",
      ChunkError,
    );
  });
});

describe("the parts", () => {
  test("each emitted member is one member, with no blank line in it", async () => {
    const set = normalizeSchemaSet(await resolveSchemaSet(parseSchemaFiles("fixture", TRICKY)));
    const emitter = createEmitter(set);
    const texts = set.schemas.map((s) => emitter.part({ container: "schemas", name: s.name }).text);
    const formatted = splitMembers(
      "schemas",
      await formatDeclarations(wrapMembers("schemas", texts)),
      texts.length,
    );
    expect(set.schemas).toHaveLength(12);
    expect(formatted).toHaveLength(12);
    expect(formatted[0]).toMatch(/^ {4}\S/);
    for (const member of formatted) expect(member).not.toMatch(/\n\s*\n/);
  });

  test("members whose typing reads other schemas say so", async () => {
    const set = normalizeSchemaSet(await resolveSchemaSet(parseSchemaFiles("fixture", TRICKY)));
    const emitter = createEmitter(set);
    expect(emitter.part({ container: "schemas", name: "Required" }).readsOthers).toBe(true);
    expect(emitter.part({ container: "schemas", name: "Plain" }).readsOthers).toBe(false);
  });

  test("a blank line inside a member, or a count that does not match, is refused", async () => {
    expectError(
      () => wrapMembers("schemas", ["A: {\n\n};"]),
      "chunks: an emitted member contains a blank line: A: {\n\n};",
      ChunkError,
    );
    const formatted = await formatDeclarations(
      wrapMembers("schemas", ["A: string;", "B: number;"]),
    );
    expect(splitMembers("schemas", formatted, 2)).toEqual(["    A: string;\n", "    B: number;\n"]);
    expectError(
      () => splitMembers("schemas", formatted, 3),
      "chunks: expected 3 formatted members, found 2",
      ChunkError,
    );
    expectError(
      () => splitMembers("schemas", "type X = 1;\n", 1),
      "chunks: formatted members came back without their wrapper",
      ChunkError,
    );
    const aliases = await formatDeclarations(wrapAliases(["export type A = 1;"]));
    expect(splitAliases(aliases, 1)).toEqual(["export type A = 1;\n"]);
    expectError(
      () => splitAliases(aliases, 2),
      "chunks: expected 2 formatted aliases, found 1",
      ChunkError,
    );
    expectError(
      () => splitAliases("const x = 1;\n", 1),
      "chunks: unexpected line among formatted aliases: const x = 1;",
      ChunkError,
    );
  });

  test("the frame must hold each placeholder exactly once", () => {
    expectError(
      () => spliceFrame("export interface components {}\n", new Map([["schemas", []]]), []),
      'chunks: the formatted frame does not hold exactly one "__kst_schemas__: string;"',
      ChunkError,
    );
  });
});
