/**
 * Bad input: each case is a small schema set that must give one clear line naming the file (and the
 * place), a non-zero exit, and leave the output folder byte for byte as it was. Every case runs in
 * process (a SchemaError with the exact message) and through the CLI (exit 1, nothing on stdout, exactly
 * the one line on stderr, an existing output folder untouched, nothing else written: no staging folder, no
 * cache; the cache folder is a temp one, never the repository's .cache/).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { SchemaError } from "../scripts/pipeline/errors.js";
import { generateFromFiles } from "../scripts/pipeline/generate.js";
import { readSchemaFolder } from "../scripts/pipeline/load.js";
import {
  copyFolder,
  hashFolder,
  runScript,
  snapshotFolder,
  tempDir,
  writeSchemaFolder,
  DEFAULT_GENERATED_FILES,
} from "./helpers/cli.js";
import { expectRejection } from "./helpers/expect-error.js";

/** An operation file of the layout: `$id` #/paths/<path>/<method>. */
const op = (
  operationId: string,
  method: string,
  path: string,
  body: Record<string, unknown> = {},
) => ({
  $id: `#/paths/${path.replaceAll("~", "~0").replaceAll("/", "~1")}/${method}`,
  operationId,
  responses: { "200": { description: "OK" } },
  ...body,
});

const ok = (name: string, body: Record<string, unknown> = { type: "string" }) => ({
  title: name,
  ...body,
});

/** Each case: the folder's files, and the exact one-line message (after "generate: error: "). */
const CASES: Record<string, { files: Record<string, unknown>; message: string }> = {
  "malformed JSON": {
    files: { "a.json": ok("A"), "b.json": '{\n  "title": "B",\n  "type": "string",\n}\n' },
    message: `DIR/b.json:4:1: malformed JSON: expected a property name in double quotes, found "}"`,
  },
  "a $ref to a name not in the set": {
    files: {
      "a.json": ok("A", {
        type: "object",
        properties: { b: { $ref: "#/components/schemas/Missing" } },
      }),
    },
    message: `DIR/a.json: /properties/b/$ref: $ref "#/components/schemas/Missing" points at "Missing", which no file in the schema set declares`,
  },
  "a $ref to an http URL": {
    files: {
      "a.json": ok("A", {
        type: "object",
        properties: { b: { $ref: "https://example.com/b.json" } },
      }),
    },
    message: `DIR/a.json: /properties/b/$ref: $ref "https://example.com/b.json" is a URL: only references inside the schema set are followed`,
  },
  "a $ref to an absolute path": {
    files: { "a.json": ok("A", { type: "array", items: { $ref: "/etc/passwd" } }) },
    message: `DIR/a.json: /items/$ref: $ref "/etc/passwd" is an absolute path: only references inside the schema set are followed`,
  },
  "a $ref out of the folder with ../": {
    files: { "a.json": ok("A", { oneOf: [{ $ref: "../outside/b.json" }] }) },
    message: `DIR/a.json: /oneOf/0/$ref: $ref "../outside/b.json" leaves the schema folder: only references inside the schema set are followed`,
  },
  "a $ref to a pointer that does not exist": {
    files: {
      "a.json": ok("A", {
        type: "object",
        properties: { b: { $ref: "#/components/schemas/B/properties/nope" } },
      }),
      "b.json": ok("B"),
    },
    // The parenthesis is json-schema-ref-parser's own reason, on one line.
    message: `DIR/a.json: /properties/b/$ref: $ref "#/components/schemas/B/properties/nope" points at nothing in the schema set (Missing $ref pointer "#/components/schemas/B/properties/nope". Token "properties" does not exist.)`,
  },
  "two files with the same schema name": {
    files: { "a.json": ok("Same"), "b.json": ok("Same") },
    message: `DIR/b.json: schema name "Same" is also declared by DIR/a.json`,
  },
  "an empty folder": {
    files: {},
    message: "DIR: no *.json schema files in this folder",
  },
  "a file that is an array, not a schema object": {
    files: { "a.json": ["not", "a", "schema"] },
    message: "DIR/a.json: not a schema: expected a JSON object, found an array",
  },
  "a file with no schema name": {
    files: { "a.json": { type: "string" } },
    message: `DIR/a.json: not a schema of the set: no "title" or "$id": "#/components/schemas/<Name>" names it`,
  },
  "a property that is not a schema": {
    files: { "a.json": ok("A", { type: "object", properties: { n: 42 } }) },
    message: "DIR/a.json: /properties/n: not a schema: expected an object, found a number (42)",
  },
  "an allOf that is not a list of schemas": {
    files: { "a.json": ok("A", { allOf: { type: "string" } }) },
    message: "DIR/a.json: /allOf: expected an array of schemas, found an object",
  },
  "properties that are not an object of schemas": {
    files: { "a.json": ok("A", { type: "object", properties: [{ type: "string" }] }) },
    message: "DIR/a.json: /properties: expected an object of schemas, found an array",
  },
  "a required list that is not a list of names": {
    files: { "a.json": ok("A", { type: "object", required: "n" }) },
    message: `DIR/a.json: /required: expected a list of property names, found a string ("n")`,
  },
  "an unknown type name": {
    files: { "a.json": ok("A", { type: "object", properties: { n: { type: "objekt" } } }) },
    message: `DIR/a.json: /properties/n/type: unknown type "objekt": expected one of string, number, integer, boolean, array, object, null`,
  },
  "JSON Schema 2020-12's $defs, which OpenAPI 3.0 has not": {
    files: { "a.json": ok("A", { type: "object", $defs: { x: { type: "string" } } }) },
    message:
      "DIR/a.json: /$defs: JSON Schema 2020-12's $defs is not an OpenAPI 3.0 keyword; the types cannot follow it",
  },
  "a list of types, which OpenAPI 3.0 has not": {
    files: {
      "a.json": ok("A", { type: "object", properties: { n: { type: ["string", "null"] } } }),
    },
    message: `DIR/a.json: /properties/n/type: a list of types is JSON Schema, not OpenAPI 3.0: use one type name (with "nullable: true" for null, or oneOf)`,
  },
  "const, which OpenAPI 3.0 has not": {
    files: { "a.json": ok("A", { type: "string", const: "x" }) },
    message:
      "DIR/a.json: /const: JSON Schema's const (use a one-value enum) is not an OpenAPI 3.0 keyword; the types cannot follow it",
  },
  "items as a list (a tuple), which OpenAPI 3.0 has not": {
    files: { "a.json": ok("A", { type: "array", items: [{ type: "string" }] }) },
    message:
      "DIR/a.json: /items: a list of item schemas (a tuple) is not OpenAPI 3.0: items takes one schema",
  },
  "a discriminator mapping to a schema the set lacks": {
    files: {
      "a.json": ok("A", {
        oneOf: [{ $ref: "#/components/schemas/B" }],
        discriminator: { propertyName: "kind", mapping: { b: "#/components/schemas/Gone" } },
      }),
      "b.json": ok("B", { type: "object" }),
    },
    message: `DIR/a.json: /discriminator/mapping/b: discriminator mapping "#/components/schemas/Gone" names no schema of the set (expected "#/components/schemas/<Name>" or a schema name)`,
  },
  "a $ref into a schema at something that is not a schema": {
    files: {
      "a.json": ok("A", {
        type: "object",
        properties: { b: { $ref: "#/components/schemas/B/required" } },
      }),
      "b.json": ok("B", { type: "object", required: ["x"] }),
    },
    message: `DIR/a.json: /properties/b/$ref: $ref "#/components/schemas/B/required" points into a schema at something that is not a schema`,
  },
  "a $ref into a schema that must be copied into itself": {
    files: {
      "a.json": ok("A", {
        type: "object",
        properties: { loop: { $ref: "#/components/schemas/A/properties/loop" } },
      }),
    },
    message: `DIR/a.json: /properties/loop/$ref: $ref "#/components/schemas/A/properties/loop" points into a schema at a subschema that refers back to itself (#/components/schemas/A/properties/loop → #/components/schemas/A/properties/loop); give that subschema a name of its own`,
  },
  "an operation whose body refers to a schema the set lacks": {
    files: {
      "op.json": op("make", "post", "/api/things", {
        requestBody: {
          content: { "application/json": { schema: { $ref: "#/components/schemas/Missing" } } },
        },
      }),
    },
    message: `DIR/op.json: /requestBody/content/application~1json/schema/$ref: $ref "#/components/schemas/Missing" points at "Missing", which no file in the schema set declares`,
  },
  "an operation that refers to a response component the set lacks": {
    files: {
      "op.json": op("make", "post", "/api/things", {
        responses: { "4XX": { $ref: "#/components/responses/ClientError" } },
      }),
    },
    message: `DIR/op.json: /responses/4XX/$ref: $ref "#/components/responses/ClientError" points at the responses component "ClientError", which no file in the set declares`,
  },
  "an operation that refers to a parameter component the set lacks": {
    files: {
      "op.json": op("make", "get", "/api/things", {
        parameters: [{ $ref: "#/components/parameters/PageSize" }],
      }),
    },
    message: `DIR/op.json: /parameters/0/$ref: $ref "#/components/parameters/PageSize" points at the parameters component "PageSize", which no file in the set declares`,
  },
  "two operations with one operationId": {
    files: {
      "a.json": op("same", "get", "/api/a"),
      "b.json": op("same", "get", "/api/b"),
    },
    message: `DIR/b.json: /operationId: operationId "same" is also declared by DIR/a.json`,
  },
  "two operations on the same path and method": {
    files: {
      "a.json": op("one", "get", "/api/a"),
      "b.json": op("two", "get", "/api/a"),
    },
    message: "DIR/b.json: /$id: the operation GET /api/a is also declared by DIR/a.json",
  },
  "a parameter without a schema": {
    files: {
      "op.json": op("list", "get", "/api/things", {
        parameters: [{ name: "page", in: "query" }],
      }),
    },
    message: `DIR/op.json: /parameters/0: parameter "page" has no schema: its type is unknown`,
  },
  "an operation without an operationId": {
    files: { "op.json": { $id: "#/paths/~1api~1things/get", responses: {} } },
    message: "DIR/op.json: /operationId: an operation needs an operationId, which names it",
  },
  "tags that are not a list of strings": {
    files: { "a.json": ok("A"), "op.json": op("list", "get", "/api/things", { tags: "Things" }) },
    message: "DIR/op.json: /tags: tags must be a list of strings",
  },
  "two tags that name one entry": {
    files: {
      "a.json": op("one", "get", "/api/a", { tags: ["Web Feeds"] }),
      "b.json": op("two", "get", "/api/b", { tags: ["web-feeds"] }),
    },
    message: `DIR/b.json: /tags/0: tag "web-feeds" and tag "Web Feeds" (DIR/a.json) both name the entry "web-feeds"; rename one`,
  },
  "two names that become the same type name": {
    files: { "a.json": ok("catalog-item"), "b.json": ok("catalog_item") },
    message: `DIR/b.json: schema "catalog_item" and schema "catalog-item" (DIR/a.json) both become the type name catalog_item; rename one`,
  },
};

/** The output every CLI case starts from: the committed generated/, hashed once. */
const GENERATED = hashFolder("generated");

test("the CLI cases start from a real generated folder", () => {
  expect(Object.keys(GENERATED)).toEqual(DEFAULT_GENERATED_FILES);
  expect(Object.keys(CASES)).toHaveLength(32);
});

describe.each(Object.entries(CASES))("%s", (_name, { files, message }) => {
  test("in-process: a SchemaError with the exact message", async () => {
    const dir = writeSchemaFolder(join(tempDir(), "schemas"), files);
    await expectRejection(
      (async () => generateFromFiles(dir, readSchemaFolder(dir)))(),
      message.replaceAll("DIR", dir),
      SchemaError,
    );
  });

  test("through the CLI: exit 1, exactly the one line, the output folder untouched, nothing written", () => {
    const root = tempDir();
    const schemas = writeSchemaFolder(join(root, "schemas"), files);
    const out = copyFolder("generated", join(root, "generated"));
    expect(hashFolder(out)).toEqual(GENERATED);
    const run = runScript("generate.ts", [
      "--schemas",
      schemas,
      "--out",
      out,
      "--cache-dir",
      join(root, "cache"),
    ]);
    expect(run).toEqual({
      status: 1,
      stdout: "",
      stderr: `generate: error: ${message.replaceAll("DIR", schemas)}\n`,
    });
    expect(hashFolder(out)).toEqual(GENERATED);
    // No staging folder left behind, and no cache written.
    expect(readdirSync(root).sort()).toEqual(["generated", "schemas"]);
  });
});

describe("an output folder that generate did not write", () => {
  test.each([
    ["the schema folder itself", (root: string) => join(root, "schemas")],
    [
      "a folder of other files",
      (root: string) => writeSchemaFolder(join(root, "other"), { "notes.txt": "keep me" }),
    ],
  ])("%s is refused, and left as it was", (_name, makeOut) => {
    const root = tempDir();
    writeSchemaFolder(join(root, "schemas"), { "a.json": ok("A") });
    const out = makeOut(root);
    const before = snapshotFolder(root);
    // The refusal comes after the run, which saves its cache: a temp folder outside `root`.
    const run = runScript("generate.ts", [
      "--schemas",
      join(root, "schemas"),
      "--out",
      out,
      "--cache-dir",
      join(tempDir(), "cache"),
    ]);
    expect(run).toEqual({
      status: 1,
      stdout: "",
      stderr: [
        `generate: read 1 schema files from ${root}/schemas/, resolved 0 $refs, emitted and formatted 1 schemas`,
        `generate: error: ${out}: refusing to replace this folder: it holds files generate did not write (no generated index.d.ts); choose an empty or new --out folder`,
        "",
      ].join("\n"),
    });
    expect(snapshotFolder(root)).toEqual(before);
  });
});
