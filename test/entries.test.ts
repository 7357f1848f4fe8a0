/**
 * Entry points (entries.ts): a set whose operations have tags gives a root entry, one entry per tag and shared
 * modules. Each declaration lives in one module only, an entry holds what its tag's paths reach and nothing
 * else, types reached through two entries are the same types, and the layout is deterministic and cached like
 * the single file. The fixture has two tags, a schema both reach, a path whose two methods have different tags,
 * an operation without a tag, a schema no operation reaches, and one that refers to itself.
 */
import { memoryCache } from "../scripts/pipeline/cache.js";
import { referencesOf } from "../scripts/pipeline/chunks.js";
import { slugOf } from "../scripts/pipeline/entries.js";
import { formatDeclarations } from "../scripts/pipeline/format.js";
import { ENTRY_FILE, generateFromFiles } from "../scripts/pipeline/generate.js";
import { readSchemaFolder } from "../scripts/pipeline/load.js";
import { inlineFiles, schemaFile } from "./helpers/fixtures.js";
import { filesUnder, typecheck } from "./helpers/typecheck.js";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { "application/vnd.api+json": { schema } } });
const operation = (
  id: string,
  route: string,
  method: string,
  body: Record<string, unknown>,
): [string, unknown] => [
  `klaviyo-${id}-operation.json`,
  { $id: `#/paths/${route.replace(/\//g, "~1")}/${method}`, operationId: id, ...body },
];
const answers = (schema: string) => ({
  responses: {
    "200": { description: "OK", ...json(ref(schema)) },
    "4XX": { $ref: "#/components/responses/ClientError" },
  },
});

const ENTRIES: [string, unknown][] = [
  schemaFile("Shared", {
    type: "object",
    properties: { id: { type: "string" } },
    required: ["id"],
  }),
  // A refers to itself: alone in a module (by-declaration), that module must still see its own declaration.
  schemaFile("A", {
    type: "object",
    properties: { shared: ref("Shared"), a: { type: "string" }, next: ref("A") },
    required: ["shared"],
  }),
  schemaFile("B", {
    type: "object",
    properties: { shared: ref("Shared"), b: { type: "number" } },
    required: ["shared"],
  }),
  schemaFile("Lonely", { type: "string", enum: ["alone"] }),
  operation("get_a", "/api/a", "get", { tags: ["Alpha"], ...answers("A") }),
  operation("get_b", "/api/b", "get", { tags: ["Alpha"], ...answers("B") }),
  operation("create_b", "/api/b", "post", {
    tags: ["Beta Things"],
    requestBody: { required: true, ...json(ref("B")) },
    ...answers("B"),
  }),
  operation("get_misc", "/api/misc", "get", answers("Shared")),
  [
    "klaviyo-clienterror-response.json",
    {
      $id: "#/components/responses/ClientError",
      description: "Client error",
      ...json({ type: "object", properties: { errors: { type: "array" } }, required: ["errors"] }),
    },
  ],
];
const FILES = inlineFiles(Object.fromEntries(ENTRIES), "entries");

const generate = (layout?: "by-closure" | "by-declaration" | "one-file") =>
  generateFromFiles("entries", FILES, undefined, layout ? { layout } : {});

/** One check per line; `ok` lines must compile, the others must fail with that code on that line. */
const CHECKS: [string, string][] = [
  [`export type S1 = Expect<Equal<root.A, alpha.A>>;`, "ok"],
  [`export type S2 = Expect<Equal<root.components["schemas"]["Shared"], beta.Shared>>;`, "ok"],
  [
    `export type S3 = Expect<Equal<alpha.operations["create_b"], beta.operations["create_b"]>>;`,
    "ok",
  ],
  [`export type S4 = Expect<Equal<alpha.SuccessBody<"get_b">, beta.B>>;`, "ok"],
  [`export type S5 = Expect<Equal<root.A, beta.B>>;`, "TS2344"],
  [
    `export type O1 = Expect<Equal<root.OperationId, "create_b" | "get_a" | "get_b" | "get_misc">>;`,
    "ok",
  ],
  // The path /api/b has a method of each tag: the whole path item, with both operations, is in both entries.
  [`export type O2 = Expect<Equal<alpha.OperationId, "create_b" | "get_a" | "get_b">>;`, "ok"],
  [`export type O3 = Expect<Equal<beta.OperationId, "create_b" | "get_b">>;`, "ok"],
  [`export type P1 = Expect<Equal<keyof alpha.paths, "/api/a" | "/api/b">>;`, "ok"],
  [`export type P2 = Expect<Equal<keyof beta.paths, "/api/b">>;`, "ok"],
  [`export type P3 = Expect<Equal<keyof root.paths, "/api/a" | "/api/b" | "/api/misc">>;`, "ok"],
  [`export type E1 = beta.A;`, "TS2694"],
  [`export type E2 = alpha.Lonely;`, "TS2694"],
  [`export type E3 = root.Lonely;`, "ok"],
  [`export type E4 = beta.ErrorBody<"create_b">["errors"];`, "ok"],
  [`export const v1: beta.B = { shared: { id: "1" }, b: 2 } satisfies root.B;`, "ok"],
  [`export const v2: beta.B = { shared: {}, b: 2 };`, "TS2741"],
  [`export const v3: alpha.A = { shared: { id: "1" }, next: { shared: { id: "2" } } };`, "ok"],
  [`export const v4: alpha.A = { shared: { id: "1" }, next: { next: {} } };`, "TS2741"],
];
const CHECK_FILE = [
  'import type * as root from "./index";',
  'import type * as alpha from "./tags/alpha";',
  'import type * as beta from "./tags/beta-things";',
  "type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;",
  "type Expect<T extends true> = T;",
  ...CHECKS.map(([line]) => line),
  "",
].join("\n");
const FIRST_CHECK_LINE = 6;

/** Diagnostics of the check file against `files`; any error in a generated file fails the test. */
function checkAgainst(files: ReadonlyMap<string, string>): Map<number, string> {
  const errors = new Map<number, string>();
  for (const diagnostic of typecheck({
    ...filesUnder("/virtual", files),
    "/virtual/check.ts": CHECK_FILE,
  })) {
    const match = /^\/virtual\/(\S+):(\d+): (.*)$/.exec(diagnostic);
    if (match?.[1] !== "check.ts")
      throw new Error(`the declarations do not compile: ${diagnostic}`);
    errors.set(Number(match[2]), match[3]!);
  }
  return errors;
}

let byClosure: Map<string, string>;
beforeAll(async () => {
  byClosure = (await generate()).files;
});

test("the files: root, one entry per tag with its ESM companion, one shared module per set of tags", () => {
  expect([...byClosure.keys()]).toEqual([
    ENTRY_FILE,
    "index.d.mts",
    "package.json",
    "shared/_untagged.d.ts",
    "shared/alpha+beta-things.d.ts",
    "shared/alpha.d.ts",
    "tags/alpha.d.mts",
    "tags/alpha.d.ts",
    "tags/beta-things.d.mts",
    "tags/beta-things.d.ts",
  ]);
  expect(byClosure.get("tags/beta-things.d.mts")).toBe(
    '// ESM entry for the "import" condition: the same types as beta-things.d.ts.\nexport type * from "./beta-things.js";\n',
  );
});

test("each declaration is in exactly one shared module: the one of the tags that reach it", () => {
  const holders = (member: RegExp) =>
    [...byClosure].filter(([, text]) => member.test(text)).map(([file]) => file);
  expect({
    A: holders(/^ {4}A: \{$/m),
    B: holders(/^ {4}B: \{$/m),
    Shared: holders(/^ {4}Shared: \{$/m),
    Lonely: holders(/^ {4}Lonely: "alone";$/m),
    ClientError: holders(/^ {4}ClientError: \{$/m),
    get_a: holders(/^ {2}get_a: \{$/m),
    get_b: holders(/^ {2}get_b: \{$/m),
    create_b: holders(/^ {2}create_b: \{$/m),
    get_misc: holders(/^ {2}get_misc: \{$/m),
  }).toEqual({
    A: ["shared/alpha.d.ts"],
    B: ["shared/alpha+beta-things.d.ts"],
    Shared: ["shared/alpha+beta-things.d.ts"],
    Lonely: ["shared/_untagged.d.ts"],
    ClientError: ["shared/alpha+beta-things.d.ts"],
    get_a: ["shared/alpha.d.ts"],
    get_b: ["shared/alpha+beta-things.d.ts"],
    create_b: ["shared/alpha+beta-things.d.ts"],
    get_misc: ["shared/_untagged.d.ts"],
  });
});

test("a module imports only what its members refer to, and declares the local names they use", () => {
  expect(byClosure.get("shared/alpha.d.ts")).toContain(
    'import type * as m_alpha$beta_things from "./alpha+beta-things.js";\n',
  );
  expect(byClosure.get("shared/alpha.d.ts")).toMatch(
    /\ntype components = Components & m_alpha\$beta_things\.Components;\n$/,
  );
  expect(byClosure.get("shared/alpha+beta-things.d.ts")).not.toContain("import type");
  expect(byClosure.get("tags/beta-things.d.ts")).not.toContain("alpha.js");
});

describe.each(["by-closure", "by-declaration"] as const)("the %s layout", (layout) => {
  let errors: Map<number, string>;
  beforeAll(async () => {
    errors = checkAgainst(layout === "by-closure" ? byClosure : (await generate(layout)).files);
  });
  test.each(CHECKS.map(([line, verdict], i) => [verdict, line, i + FIRST_CHECK_LINE] as const))(
    "%s: %s",
    (verdict, _line, lineNumber) => {
      const error = errors.get(lineNumber);
      if (verdict === "ok") expect(error).toBeUndefined();
      else expect(error?.split(" ")[0]).toBe(verdict);
    },
  );
});

test("the by-declaration layout gives each declaration a module of its own", async () => {
  const files = [...(await generate("by-declaration")).files.keys()];
  // 4 schemas, 1 response, 4 operations.
  expect(files.filter((f) => f.startsWith("shared/"))).toHaveLength(9);
});

test("every declaration file is in prettier's form: the fixture's and the embedded default's", async () => {
  const defaults = (await generateFromFiles("schemas", readSchemaFolder("schemas"))).files;
  const declarations = [...byClosure, ...defaults].filter(([file]) => /\.d\.m?ts$/.test(file));
  expect(declarations.length).toBe(9 + 5);
  for (const [file, text] of declarations)
    expect({ file, text: await formatDeclarations(text) }).toEqual({ file, text });
});

test("one-file: no entry points, the single file as for a set without operations", async () => {
  const result = await generate("one-file");
  expect([...result.files.keys()]).toEqual([ENTRY_FILE, "index.d.mts", "package.json"]);
  expect(result.files.get(ENTRY_FILE)).toContain("\nexport interface operations {\n");
});

test("deterministic: the files in reverse order give the same bytes", async () => {
  const reversed = await generateFromFiles("entries", [...FILES].reverse());
  expect(reversed.files).toEqual(byClosure);
});

test("a warm run gives a cold run's bytes, after a change and with nothing changed", async () => {
  const cache = memoryCache();
  const first = await generateFromFiles("entries", FILES, undefined, { cache });
  expect(first.files).toEqual(byClosure);
  const changed = FILES.map((f) =>
    f.fileName === "klaviyo-b-schema.json"
      ? { ...f, text: f.text.replace('"b": {', '"extra": { "type": "boolean" }, "b": {') }
      : f,
  );
  expect(changed).not.toEqual(FILES);
  const warm = await generateFromFiles("entries", changed, undefined, { cache });
  expect(warm.reused?.run).toBe(false);
  expect(warm.files).toEqual((await generateFromFiles("entries", changed)).files);
  expect(warm.files.get("shared/alpha+beta-things.d.ts")).toContain("extra?: boolean;");
  const again = await generateFromFiles("entries", changed, undefined, { cache });
  expect(again.reused?.run).toBe(true);
  expect(again.files).toEqual(warm.files);
});

test("slugs: lower case, runs of other characters as one hyphen, none at the ends", () => {
  expect(
    ["Catalogs", "Custom Objects", "Data Privacy", " Web--Feeds! ", "Ünïcode"].map(slugOf),
  ).toEqual(["catalogs", "custom-objects", "data-privacy", "web-feeds", "n-code"]);
});

test("references: what a member's text refers to, each once in order of first mention, escapes read as JSON", () => {
  expect(
    referencesOf(
      'x: components["schemas"]["A"] | requestSchemas["B"]; y: components["responses"]["E"]; z: operations["o\\"p"]; w: other["Q"]; again: components["schemas"]["A"];',
    ).map((id) => `${id.container}/${id.name}`),
  ).toEqual(["schemas/A", "requestSchemas/B", "responses/E", 'operations/o"p']);
});

describe("bad tags: one line naming the file and the place, before anything is written", () => {
  const withTags = (tags: unknown[]) =>
    FILES.map((f) =>
      f.fileName === "klaviyo-get_misc-operation.json"
        ? { ...f, text: JSON.stringify({ ...JSON.parse(f.text), tags }) }
        : f,
    );
  test.each([
    [[7], "entries/klaviyo-get_misc-operation.json: /tags: tags must be a list of strings"],
    [
      ["!!!"],
      'entries/klaviyo-get_misc-operation.json: /tags/0: tag "!!!" has no letter or digit to name its entry by',
    ],
    [
      ["ALPHA"],
      'entries/klaviyo-get_misc-operation.json: /tags/0: tag "ALPHA" and tag "Alpha" (entries/klaviyo-get_a-operation.json) both name the entry "alpha"; rename one',
    ],
  ])("tags %j", async (tags, message) => {
    await expect(generateFromFiles("entries", withTags(tags))).rejects.toThrow(
      new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
    );
  });
});
