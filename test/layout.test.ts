/**
 * The schema folder's layout (pipeline/layout.ts): file names and `$id`s per kind, reading an `$id` back, the
 * split of an OpenAPI document into it (openapi-split.ts), and finding the refs of the objects that are not
 * schemas (openapi-walk.ts, refs.ts classifyComponentRef).
 */
import {
  classifyLayoutId,
  componentFileBody,
  componentFileName,
  componentKindOfSection,
  componentLayoutId,
  formatLayoutId,
  layoutFileText,
  numberedFileName,
  operationFileBody,
  operationFileName,
  operationLayoutId,
  schemaFileBody,
  type LayoutId,
} from "../scripts/pipeline/layout.js";
import {
  splitOpenApiDocument,
  splitOpenApiLayout,
  upstreamFileName,
} from "../scripts/pipeline/openapi-split.js";
import { forEachObjectRef } from "../scripts/pipeline/openapi-objects.js";
import { classifyComponentRef } from "../scripts/pipeline/refs.js";

describe("file names and $ids", () => {
  test("one file name rule per kind; only a schema's name is cut at 60 characters", () => {
    const long = "A".repeat(70);
    expect(componentFileName("schema", "ObjectLinks")).toBe("klaviyo-objectlinks-schema.json");
    expect(componentFileName("schema", long)).toBe(`klaviyo-${"a".repeat(60)}-schema.json`);
    expect(upstreamFileName(long)).toBe(componentFileName("schema", long));
    expect(componentFileName("response", "ClientError")).toBe("klaviyo-clienterror-response.json");
    expect(componentFileName("response", long)).toBe(`klaviyo-${"a".repeat(70)}-response.json`);
    expect(componentFileName("parameter", "PageCursor")).toBe("klaviyo-pagecursor-parameter.json");
    expect(componentFileName("requestBody", "Upload")).toBe("klaviyo-upload-request-body.json");
    expect(operationFileName("bulk_create_catalog_items")).toBe(
      "klaviyo-bulk_create_catalog_items-operation.json",
    );
    expect(operationFileName("getProfile")).toBe("klaviyo-getprofile-operation.json");
    expect(numberedFileName("klaviyo-a-b-schema.json", 2)).toBe("klaviyo-a-b-2-schema.json");
    expect(numberedFileName("klaviyo-x-request-body.json", 3)).toBe(
      "klaviyo-x-3-request-body.json",
    );
  });

  const ids: [string, LayoutId][] = [
    ["#/components/schemas/ObjectLinks", { kind: "schema", name: "ObjectLinks" }],
    ["#/components/responses/ClientError", { kind: "response", name: "ClientError" }],
    ["#/components/parameters/page.cursor", { kind: "parameter", name: "page.cursor" }],
    ["#/components/requestBodies/Upload", { kind: "requestBody", name: "Upload" }],
    [
      "#/paths/~1api~1catalog-item-bulk-create-jobs/post",
      { kind: "operation", path: "/api/catalog-item-bulk-create-jobs", method: "post" },
    ],
    [
      "#/paths/~1api~1profiles~1{id}~1x~0y%25/delete",
      { kind: "operation", path: "/api/profiles/{id}/x~y%25", method: "delete" },
    ],
  ];
  test.each(ids)("%s is read back as it was written", (id, layout) => {
    expect(classifyLayoutId(id)).toEqual(layout);
    expect(formatLayoutId(layout)).toBe(id);
  });

  test("the writers", () => {
    expect(componentLayoutId("response", "ClientError")).toBe("#/components/responses/ClientError");
    expect(operationLayoutId("/api/x", "get")).toBe("#/paths/~1api~1x/get");
    expect(componentKindOfSection("requestBodies")).toBe("requestBody");
    expect(componentKindOfSection("securitySchemes")).toBeUndefined();
  });

  test.each([
    "#/components/securitySchemes/Klaviyo-API-Key",
    "#/components/headers/X",
    "#/components/schemas/A/properties/b",
    "#/components/schemas/",
    "#/paths/~1api~1x/GET",
    "#/paths/~1api~1x/parameters",
    "#/paths/~1api~1x/get/responses",
    "other.json#/components/schemas/A",
    "https://example.com/#/components/schemas/A",
    "ObjectLinks",
  ])("%s is no place of the layout", (id) => {
    expect(classifyLayoutId(id)).toBeUndefined();
  });

  test("file bodies: the added keys first, then upstream's keys in upstream's order", () => {
    const schema = schemaFileBody("A", {
      type: "string",
      title: "old",
      $id: "old",
      nullable: true,
    });
    expect(Object.keys(schema)).toEqual(["$schema", "$id", "title", "type", "nullable"]);
    expect(schema).toMatchObject({ $id: "#/components/schemas/A", title: "A" });
    const response = componentFileBody("response", "E", {
      description: "d",
      $id: "x",
      content: {},
    });
    expect(Object.keys(response)).toEqual(["$id", "description", "content"]);
    const operation = operationFileBody("/a/{id}", "patch", "patch_a", {
      summary: "s",
      operationId: "patch_a",
      responses: {},
    });
    expect(operation).toEqual({
      $id: "#/paths/~1a~1{id}/patch",
      operationId: "patch_a",
      summary: "s",
      responses: {},
    });
    expect(Object.keys(operation)).toEqual(["$id", "operationId", "summary", "responses"]);
    expect(layoutFileText({ a: 1 })).toBe('{\n  "a": 1\n}\n');
  });
});

describe("splitting an OpenAPI document", () => {
  const document = () => ({
    openapi: "3.0.2",
    info: { title: "t", version: "v1" },
    paths: {
      "/api/items/{id}": {
        summary: "dropped",
        description: "dropped",
        servers: [{ url: "https://dropped.example" }],
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "string" } },
          { $ref: "#/components/parameters/Revision" },
          { name: "only-path", in: "query", schema: { type: "integer" } },
        ],
        get: {
          operationId: "get_item",
          parameters: [
            {
              name: "id",
              in: "path",
              required: true,
              description: "own",
              schema: { type: "string" },
            },
            // Replaces the path-level ref: the component has the same name and in.
            { name: "revision", in: "header", required: false, schema: { type: "string" } },
          ],
          responses: { "200": { $ref: "#/components/responses/Item" } },
        },
        delete: {
          summary: "Delete",
          operationId: "delete_item",
          responses: { "204": { description: "gone" } },
        },
        "x-extension": { get: "not an operation" },
      },
      "/api/items": {
        post: {
          operationId: "create_item",
          requestBody: { $ref: "#/components/requestBodies/NewItem" },
          responses: { "201": { description: "made" } },
        },
      },
    },
    components: {
      schemas: { Item: { type: "object" } },
      responses: {
        Item: {
          description: "an item",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } },
        },
      },
      parameters: {
        Revision: { name: "revision", in: "header", required: true, schema: { type: "string" } },
      },
      requestBodies: {
        NewItem: {
          content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } },
        },
      },
      securitySchemes: { Key: { type: "apiKey", in: "header", name: "Authorization" } },
      examples: { E: { value: 1 } },
    },
  });

  test("one file per vendored object, in the document's order; other components are left out", () => {
    const files = splitOpenApiLayout("doc.json", document(), "doc");
    expect(files.map((f) => [f.fileName, f.pointer, f.id])).toEqual([
      ["klaviyo-item-schema.json", "/components/schemas/Item", { kind: "schema", name: "Item" }],
      [
        "klaviyo-item-response.json",
        "/components/responses/Item",
        { kind: "response", name: "Item" },
      ],
      [
        "klaviyo-revision-parameter.json",
        "/components/parameters/Revision",
        { kind: "parameter", name: "Revision" },
      ],
      [
        "klaviyo-newitem-request-body.json",
        "/components/requestBodies/NewItem",
        { kind: "requestBody", name: "NewItem" },
      ],
      [
        "klaviyo-get_item-operation.json",
        "/paths/~1api~1items~1{id}/get",
        { kind: "operation", path: "/api/items/{id}", method: "get" },
      ],
      [
        "klaviyo-delete_item-operation.json",
        "/paths/~1api~1items~1{id}/delete",
        { kind: "operation", path: "/api/items/{id}", method: "delete" },
      ],
      [
        "klaviyo-create_item-operation.json",
        "/paths/~1api~1items/post",
        { kind: "operation", path: "/api/items", method: "post" },
      ],
    ]);
    expect(files.map((f) => f.operationId)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      "get_item",
      "delete_item",
      "create_item",
    ]);
    const byName = new Map(files.map((f) => [f.fileName, JSON.parse(f.text)]));
    expect(byName.get("klaviyo-item-response.json")).toEqual({
      $id: "#/components/responses/Item",
      ...document().components.responses.Item,
    });
    // Path-level parameters first, unless the operation has one with the same name and in (looked up through
    // a ref); the operation's own next.
    expect(byName.get("klaviyo-get_item-operation.json")).toEqual({
      $id: "#/paths/~1api~1items~1{id}/get",
      operationId: "get_item",
      parameters: [
        { name: "only-path", in: "query", schema: { type: "integer" } },
        { name: "id", in: "path", required: true, description: "own", schema: { type: "string" } },
        { name: "revision", in: "header", required: false, schema: { type: "string" } },
      ],
      responses: { "200": { $ref: "#/components/responses/Item" } },
    });
    // An operation without parameters of its own gets the path item's, as its last key.
    const deleted = byName.get("klaviyo-delete_item-operation.json");
    expect(Object.keys(deleted)).toEqual([
      "$id",
      "operationId",
      "summary",
      "responses",
      "parameters",
    ]);
    expect(deleted.parameters).toEqual(document().paths["/api/items/{id}"].parameters);
    expect(byName.get("klaviyo-create_item-operation.json")).toEqual({
      $id: "#/paths/~1api~1items/post",
      operationId: "create_item",
      requestBody: { $ref: "#/components/requestBodies/NewItem" },
      responses: { "201": { description: "made" } },
    });
    for (const file of files)
      expect(file.text).toBe(JSON.stringify(JSON.parse(file.text), null, 2) + "\n");
    // The schemas-only split is what it was: the schema file, the same bytes.
    expect(splitOpenApiDocument("doc.json", document(), "doc")).toEqual([files[0]]);
  });

  test.each([
    [
      "an operation without an operationId",
      (d: ReturnType<typeof document>) => {
        delete (d.paths["/api/items"].post as { operationId?: string }).operationId;
      },
      "doc.json: /paths/~1api~1items/post: operation without an operationId: sync names each operation's file by its operationId",
    ],
    [
      "two operations with one operationId",
      (d: ReturnType<typeof document>) => {
        d.paths["/api/items"].post.operationId = "get_item";
      },
      'doc.json: /paths/~1api~1items/post/operationId: duplicate operationId "get_item": /paths/~1api~1items~1{id}/get has it too',
    ],
    [
      "an operationId that is no file name",
      (d: ReturnType<typeof document>) => {
        d.paths["/api/items"].post.operationId = "../up";
      },
      `doc.json: /paths/~1api~1items/post/operationId: operationId "../up" is not usable as a file name: sync allows only letters, digits, '.', '-' and '_'`,
    ],
    [
      "a path item that is a $ref",
      (d: ReturnType<typeof document>) => {
        (d.paths as Record<string, unknown>)["/api/other"] = { $ref: "other.json#/paths/x" };
      },
      "doc.json: /paths/~1api~1other/$ref: a path item that is a $ref is not supported",
    ],
    [
      "a response component name with a slash",
      (d: ReturnType<typeof document>) => {
        (d.components.responses as Record<string, unknown>)["a/b"] = { description: "x" };
      },
      "doc.json: /components/responses/a~1b: not a component name",
    ],
    [
      "a request body that is not an object",
      (d: ReturnType<typeof document>) => {
        (d.components.requestBodies as Record<string, unknown>)["Bad"] = [];
      },
      "doc.json: /components/requestBodies/Bad: not a request body: expected an object",
    ],
  ])("%s is a one-line error", (_, change, message) => {
    const d = document();
    change(d);
    expect(() => splitOpenApiLayout("doc.json", d, "doc")).toThrow(message);
    // The schemas-only split does not read the operations.
    if (!message.includes("/components/"))
      expect(splitOpenApiDocument("doc.json", d, "doc")).toHaveLength(1);
  });

  test("names that differ only in case get a counter, so no file is overwritten", () => {
    const d = document();
    (d.paths["/api/items"] as Record<string, unknown>)["get"] = {
      operationId: "GET_ITEM",
      responses: {},
    };
    expect(
      splitOpenApiLayout("doc.json", d, "doc")
        .filter((f) => f.id.kind === "operation")
        .map((f) => f.fileName),
    ).toEqual([
      "klaviyo-get_item-operation.json",
      "klaviyo-delete_item-operation.json",
      "klaviyo-create_item-operation.json",
      "klaviyo-get_item-2-operation.json",
    ]);
  });
});

describe("the refs of operations and components", () => {
  const refs = (
    object: Record<string, unknown>,
    kind: "operation" | "response" | "parameter" | "requestBody",
  ) => {
    const found: [string, string][] = [];
    forEachObjectRef("f.json", object as never, kind, (ref, at) => found.push([at.join("/"), ref]));
    return found;
  };

  test("References where OpenAPI allows them and refs in every inline schema; example data stays data", () => {
    const operation = {
      $id: "#/paths/~1x/post",
      operationId: "x",
      parameters: [
        { $ref: "#/components/parameters/P" },
        {
          name: "q",
          in: "query",
          schema: { type: "array", items: { $ref: "#/components/schemas/Q" } },
          example: { $ref: "#/components/schemas/NotARef" },
          examples: {
            one: { $ref: "#/components/examples/One" },
            two: { value: { $ref: "data" } },
          },
        },
      ],
      requestBody: {
        content: {
          "application/json": {
            schema: { $ref: "#/components/schemas/Body" },
            encoding: { file: { headers: { "X-A": { $ref: "#/components/headers/A" } } } },
          },
        },
      },
      responses: {
        "200": {
          description: "ok",
          headers: { "X-Rate": { schema: { $ref: "#/components/schemas/Rate" } } },
          content: {
            "application/json": {
              schema: { properties: { a: { $ref: "#/components/schemas/A" } } },
            },
          },
          links: { next: { $ref: "#/components/links/Next" } },
        },
        "4XX": { $ref: "#/components/responses/ClientError" },
      },
      callbacks: {
        done: {
          "{$request.body#/url}": {
            post: { requestBody: { $ref: "#/components/requestBodies/Done" }, responses: {} },
          },
        },
      },
      "x-extension": { $ref: "#/components/schemas/Extension" },
    };
    // Only what the types read is followed: examples, links, encodings and callbacks are annotations here.
    expect(refs(operation, "operation")).toEqual([
      ["parameters/0", "#/components/parameters/P"],
      ["parameters/1/schema/items", "#/components/schemas/Q"],
      ["requestBody/content/application/json/schema", "#/components/schemas/Body"],
      ["responses/200/headers/X-Rate/schema", "#/components/schemas/Rate"],
      ["responses/200/content/application/json/schema/properties/a", "#/components/schemas/A"],
      ["responses/4XX", "#/components/responses/ClientError"],
    ]);
    // A component that is itself a Reference.
    expect(
      refs({ $id: "#/components/responses/R", $ref: "#/components/responses/S" }, "response"),
    ).toEqual([["", "#/components/responses/S"]]);
    // A parameter described by content has no schema the types could use: refused, as generate refuses it.
    expect(() =>
      refs(
        {
          name: "p",
          in: "query",
          content: { "text/plain": { schema: { $ref: "#/components/schemas/S" } } },
        },
        "parameter",
      ),
    ).toThrow(
      'f.json: (root): parameter "p" has no schema (one described by content is not supported): its type is unknown',
    );
  });

  test("an inline schema is checked as a schema is", () => {
    expect(() =>
      refs({ content: { "a/b": { schema: { type: "string", const: "x" } } } }, "requestBody"),
    ).toThrow("f.json: /content/a~1b/schema/const");
  });

  test("classifyComponentRef: a component by section and name; classifyRef's refusals; nothing else", () => {
    expect(
      classifyComponentRef("#/components/responses/ClientError", "f.json", ["responses", "4XX"]),
    ).toEqual({
      section: "responses",
      name: "ClientError",
      rest: "",
    });
    expect(classifyComponentRef("#/components/schemas/A/properties/b", "f.json", [])).toEqual({
      section: "schemas",
      name: "A",
      rest: "/properties/b",
    });
    expect(classifyComponentRef("#/components/parameters/a%2Eb", "f.json", [])).toMatchObject({
      name: "a.b",
    });
    expect(() =>
      classifyComponentRef("https://x.example/a.json", "f.json", ["responses", "4XX"]),
    ).toThrow(
      'f.json: /responses/4XX/$ref: $ref "https://x.example/a.json" is a URL: only references inside the schema set are followed',
    );
    expect(() => classifyComponentRef("klaviyo-a-schema.json", "f.json", [])).toThrow(
      'f.json: /$ref: $ref "klaviyo-a-schema.json" names a file: outside a schema, only references to #/components/<section>/<Name> are followed',
    );
    expect(() => classifyComponentRef("#/paths/~1x/get", "f.json", [])).toThrow(
      'f.json: /$ref: $ref "#/paths/~1x/get" points at no component',
    );
    expect(() => classifyComponentRef("#/components/responses", "f.json", [])).toThrow(
      "points at no component",
    );
  });
});
