/**
 * Operations through the same stages as schemas: parameters, request bodies and responses typed as the document
 * says, each exact in its direction (OpenAPI 3.0: a readOnly property is not sent in a request, a writeOnly one is
 * never returned, `required` on either applies to its own direction only), in openapi-typescript's layout, with the
 * named call types. One generate of the fixture set, one compile of every check, each check on its own line: a
 * line marked `ok` must compile, any other must give that error on that line. The checks run on the single file
 * (whose text the later tests read) and on the default entry points (entries.ts), whose root must type the same.
 */
import { ENTRY_FILE, generateFromFiles } from "../scripts/pipeline/generate.js";
import { inlineFiles } from "./helpers/fixtures.js";
import { filesUnder, typecheck } from "./helpers/typecheck.js";

const schema = (name: string, body: Record<string, unknown>) => [
  `klaviyo-${name.toLowerCase()}-schema.json`,
  { $id: `#/components/schemas/${name}`, title: name, ...body },
];
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const media = (body: unknown) => ({ content: { "application/vnd.api+json": { schema: body } } });
const revision = {
  name: "revision",
  in: "header",
  required: true,
  schema: { type: "string", default: "2026-07-15" },
};

const FILES = inlineFiles(
  Object.fromEntries([
    schema("Tag", {
      type: "object",
      properties: {
        created: { type: "string", format: "date-time", readOnly: true },
        label: { type: "string" },
      },
      required: ["created", "label"],
    }),
    schema("Item", {
      type: "object",
      properties: {
        id: { type: "string", readOnly: true, description: "Assigned by the API." },
        name: { type: "string" },
        secret: { type: "string", writeOnly: true },
        tags: { type: "array", items: ref("Tag") },
        kind: { oneOf: [ref("Tag"), { type: "string" }] },
        note: { ...ref("Note"), nullable: true },
        stamp: ref("StampAlias"),
        labels: {
          type: "object",
          properties: { trace: { type: "string", writeOnly: true } },
          additionalProperties: { type: "string" },
        },
      },
      required: ["id", "name", "secret"],
    }),
    schema("Stamp", { type: "string", format: "date-time", readOnly: true }),
    schema("StampAlias", ref("Stamp")),
    schema("Note", { type: "object", properties: { text: { type: "string" } } }),
    schema("ItemQuery", {
      type: "object",
      properties: { data: ref("Item") },
      required: ["data"],
    }),
    schema("ItemResponse", {
      type: "object",
      properties: { data: ref("Item"), link: { ...ref("Note"), nullable: true } },
      required: ["data", "link"],
    }),
    [
      "klaviyo-create_item-operation.json",
      {
        $id: "#/paths/~1api~1items/post",
        operationId: "create_item",
        summary: "Create Item",
        description: "Creates an item.",
        parameters: [
          {
            name: "fields[item]",
            in: "query",
            schema: { type: "array", items: { type: "string", enum: ["name", "tags"] } },
            explode: false,
          },
          revision,
        ],
        requestBody: { required: true, ...media(ref("ItemQuery")) },
        responses: {
          "201": { description: "Created", ...media(ref("ItemResponse")) },
          "4XX": { $ref: "#/components/responses/ClientError" },
        },
        tags: ["Items"],
        deprecated: true,
        "x-klaviyo-operation-aliases": ["make_item"],
        "x-klaviyo-ratelimit": { burst: "10/s", steady: "150/m" },
        "x-klaviyo-scopes": ["items:write"],
      },
    ],
    [
      "klaviyo-get_item-operation.json",
      {
        $id: "#/paths/~1api~1items~1{id}/get",
        operationId: "get_item",
        summary: "Get Item",
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "string" } },
          {
            name: "include",
            in: "query",
            schema: { type: "array", items: { type: "string", enum: ["tags"] } },
          },
          { name: "X-Trace", in: "header", schema: { type: "string", default: "off" } },
          revision,
        ],
        responses: {
          "200": { description: "OK", ...media(ref("ItemResponse")) },
          "4XX": { $ref: "#/components/responses/ClientError" },
        },
      },
    ],
    [
      "klaviyo-clienterror-response.json",
      {
        $id: "#/components/responses/ClientError",
        description: "Client error",
        ...media({
          type: "object",
          properties: { errors: { type: "array", items: { type: "object" } } },
          required: ["errors"],
        }),
      },
    ],
  ]),
);

/** Each check: a line of code, and "ok" or the error the compiler must report on it (its reviewed reason). */
const CHECKS: [string, "ok" | `TS${number}`][] = [
  // requests: readOnly keys refused at any depth, required on them does not apply; writeOnly required applies
  [`const a1: RequestBody<"create_item"> = { data: { name: "n", secret: "s" } };`, "ok"],
  [
    `const a2: RequestBody<"create_item"> = { data: { name: "n", secret: "s", tags: [{ label: "l" }], kind: { label: "k" }, note: null } };`,
    "ok",
  ],
  [
    `const a3: RequestBody<"create_item"> = { data: { id: "1", name: "n", secret: "s" } };`,
    "TS2322",
  ],
  [
    `const a4: RequestBody<"create_item"> = { data: { name: "n", secret: "s", tags: [{ label: "l", created: "x" }] } };`,
    "TS2322",
  ],
  [
    `const a5: RequestBody<"create_item"> = { data: { name: "n", secret: "s", kind: { label: "l", created: "x" } } };`,
    "TS2322",
  ],
  [`const a6: RequestBody<"create_item"> = { data: { name: "n" } };`, "TS2741"],
  // readOnly through a schema that only names another; writeOnly beside an index signature
  [
    `const a8: RequestBody<"create_item"> = { data: { name: "n", secret: "s", stamp: "t" } };`,
    "TS2322",
  ],
  [
    `const b10: SuccessBody<"get_item"> = { data: { id: "1", name: "n", labels: { trace: "t" } }, link: null };`,
    "TS2322",
  ],
  [
    `const b11: SuccessBody<"get_item"> = { data: { id: "1", name: "n", labels: { other: "o" } }, link: null };`,
    "ok",
  ],
  // a readOnly key refused even where no excess-property check applies (a spread of a value read from a response)
  [
    `declare const fromResponse: SuccessBody<"get_item">["data"]; const a7: RequestBody<"create_item"> = { data: { ...fromResponse, secret: "s" } };`,
    "TS2322",
  ],
  // responses: writeOnly keys not declared, required on them does not apply; readOnly required applies
  [
    `const b1: SuccessBody<"get_item"> = { data: { id: "1", name: "n", tags: [{ created: "t", label: "l" }] }, link: null };`,
    "ok",
  ],
  [`const b2: SuccessBody<"get_item"> = { data: { name: "n" }, link: null };`, "TS2741"],
  [
    `const b3: SuccessBody<"get_item"> = { data: { id: "1", name: "n", secret: "s" }, link: null };`,
    "TS2353",
  ],
  [`type B4 = SuccessBody<"get_item">["data"]["secret"];`, "TS2339"],
  [
    `const b5: SuccessBody<"get_item"> = { data: { id: "1", name: "n", tags: [{ label: "l" }] }, link: null };`,
    "TS2741",
  ],
  [
    `const b6: SuccessBody<"create_item"> = { data: { id: "1", name: "n" }, link: { text: "t" } };`,
    "ok",
  ],
  [`const b7: ResponseBody<"create_item", 201> = { data: { id: "1", name: "n" } };`, "TS2741"],
  [`const b8: ErrorBody<"get_item"> = { errors: [{}] };`, "ok"],
  [`const b9: ErrorBody<"get_item"> = { errors: "x" };`, "TS2322"],
  // the components keep every schema as written: plain types, both kinds of key
  [`const c1: components["schemas"]["Item"] = { id: "1", name: "n", secret: "s" };`, "ok"],
  [`const c2: Item = { name: "n", secret: "s" };`, "TS2741"],
  // parameters: required by `required` alone (a default never makes one optional), enums as the document says
  [
    `const p1: OperationParameters<"get_item"> = { path: { id: "1" }, header: { revision: "2026-07-15" } };`,
    "ok",
  ],
  [
    `const p2: OperationParameters<"get_item"> = { path: { id: "1" }, header: { revision: "r", "X-Trace": "on" }, query: { include: ["tags"] } };`,
    "ok",
  ],
  [`const p3: OperationParameters<"get_item"> = { header: { revision: "r" } };`, "TS2741"],
  [`const p4: OperationParameters<"get_item"> = { path: { id: "1" }, header: {} };`, "TS2741"],
  [`const p5: QueryParameters<"get_item"> = { include: ["items"] };`, "TS2322"],
  [`const p6: QueryParameters<"create_item"> = { "fields[item]": ["name", "tags"] };`, "ok"],
  [`const p7: QueryParameters<"create_item"> = { "fields[item]": ["price"] };`, "TS2322"],
  [`const p8: PathParameters<"get_item"> = { id: "1" };`, "ok"],
  [`const p9: HeaderParameters<"create_item"> = { revision: "2026-07-15" };`, "ok"],
  // paths point into operations, by method; a client that presets the header may leave it out
  [`const d1: paths["/api/items/{id}"]["get"] = {} as operations["get_item"];`, "ok"],
  [
    `type D2 = paths["/api/items"]["get"] extends undefined ? true : never; const d2: D2 = true;`,
    "ok",
  ],
  [
    `const d3: PathsWithPresetHeaders<"revision">["/api/items/{id}"]["get"]["parameters"] = { path: { id: "1" } };`,
    "ok",
  ],
  [`const d4: paths["/api/items/{id}"]["get"]["parameters"] = { path: { id: "1" } };`, "TS2741"],
  [`const d5: OperationId = "delete_everything";`, "TS2322"],
];

let declarations: string;
/** Per layout, the error on each line of the check file. */
const errorsByLine = new Map<string, Map<number, string>>();

beforeAll(async () => {
  const layouts = {
    "one file": await generateFromFiles("ops", FILES, undefined, { layout: "one-file" }),
    "entry points": await generateFromFiles("ops", FILES),
  };
  declarations = layouts["one file"].files.get(ENTRY_FILE)!;
  expect([...layouts["entry points"].files.keys()]).toContain("tags/items.d.ts");
  const imports =
    'import type { components, operations, paths, Item, OperationId, OperationParameters, PathParameters, QueryParameters, HeaderParameters, RequestBody, ResponseBody, SuccessBody, ErrorBody, PathsWithPresetHeaders } from "./index";';
  const code = [imports, ...CHECKS.map(([line]) => `{ ${line} }`)].join("\n") + "\n";
  for (const [layout, result] of Object.entries(layouts)) {
    const errors = new Map<number, string>();
    for (const diagnostic of typecheck({
      ...filesUnder("/virtual", result.files),
      "/virtual/check.ts": code,
    })) {
      const match = /^\/virtual\/(\S+):(\d+): (.*)$/.exec(diagnostic);
      if (match?.[1] !== "check.ts")
        throw new Error(`the declarations (${layout}) do not compile: ${diagnostic}`);
      errors.set(Number(match[2]), match[3]!);
    }
    errorsByLine.set(layout, errors);
  }
});

describe.each(["one file", "entry points"])("%s", (layout) => {
  test.each(CHECKS.map(([line, verdict], i) => [verdict, line, i + 2] as const))(
    "%s: %s",
    (verdict, _line, lineNumber) => {
      const error = errorsByLine.get(layout)!.get(lineNumber);
      if (verdict === "ok") expect(error).toBeUndefined();
      else expect(error?.split(" ")[0]).toBe(verdict);
    },
  );
});

test("the request variant refuses readOnly keys as `never`, keeping their description", () => {
  const start = declarations.indexOf("export interface requestSchemas {");
  expect(start).toBeGreaterThan(-1);
  const item = declarations.slice(declarations.indexOf("  Item: {", start));
  expect(item.slice(0, item.indexOf("\n  };") + 5)).toBe(
    [
      "  Item: {",
      "    /**",
      "     * Read-only: sent by the API, not accepted in requests.",
      "     * @description Assigned by the API.",
      "     */",
      "    id?: never;",
      "    name: string;",
      "    /** Write-only: accepted in requests, never sent back. */",
      "    secret: string;",
      '    tags?: requestSchemas["Tag"][];',
      '    kind?: requestSchemas["Tag"] | string;',
      '    note?: components["schemas"]["Note"] | null;',
      "    stamp?: never;",
      "    labels?: {",
      "      /** Write-only: accepted in requests, never sent back. */",
      "      trace?: string;",
      "    } & {",
      "      [key: string]: string;",
      "    };",
      "  };",
    ].join("\n"),
  );
});

test("an operation's doc comment: summary, description, method and path, scopes, rate limits, aliases, deprecation, reference", () => {
  const at = declarations.indexOf("export interface operations {");
  const doc = declarations.slice(at, declarations.indexOf("  create_item: {", at));
  expect(doc).toBe(
    [
      "export interface operations {",
      "  /**",
      "   * Create Item",
      "   * @deprecated",
      "   * @description Creates an item.",
      "   *",
      "   *     - `POST /api/items`",
      "   *     - Scopes: `items:write`",
      "   *     - Rate limits: burst 10/s, steady 150/m",
      "   *     - Also known as: `make_item`",
      "   *     - Deprecated",
      "   *     - Reference: https://developers.klaviyo.com/en/reference/create_item",
      "   */",
      "",
    ].join("\n"),
  );
});
