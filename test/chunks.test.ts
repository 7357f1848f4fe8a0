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
  aliasLines,
  ChunkError,
  header,
  spliceFrame,
  splitAliases,
  splitMembers,
  wrapAliases,
  wrapMembers,
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
import { splitOpenApiDocument } from "../scripts/pipeline/openapi-split.js";
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
  test("the whole upstream set, in this thread", async () => {
    const files = readSchemaFolder(UPSTREAM_SET);
    const expected = await reference(UPSTREAM_SET, files);
    expect((await generateFromFiles(UPSTREAM_SET, files)).files.get(ENTRY_FILE)).toBe(expected);
  });
});

describeWithUpstream(
  "formatting in parts, the later OpenAPI document",
  UPSTREAM_OPENAPI,
  hasUpstreamOpenApi,
  () => {
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
