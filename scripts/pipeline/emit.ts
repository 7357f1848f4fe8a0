/**
 * Stage 4, emit: the normalised set → TypeScript declarations, with openapi-typescript doing the typing, in its
 * convention: `paths` (one member per URL path, each method pointing into `operations`), `components` (`schemas`,
 * `responses`, ...), `operations` (parameters, request body and responses of each call). This stage adds what
 * openapi-typescript does not: a header, `requestSchemas`/`responseSchemas` (the direction variants of
 * direction.ts), the operations' doc comments (summary, description, scopes, rate limits, aliases, deprecation, a
 * link to Klaviyo's reference), one named alias per schema, and the helper types (helper-types.ts). A set without
 * operations gives only `components`, as before operations existed.
 *
 * Each part (one member of one container) is emitted on its own, so that the parts can be formatted in parallel
 * chunks and a cache can reuse the ones whose inputs did not change (see chunks.ts). The typing is
 * openapi-typescript's own transforms with the context openapiTS() builds for our options; openapiTS()'s redocly
 * lint-and-bundle pass is skipped: the resolve stage has already checked every `$ref`, and that pass was half of
 * this stage's time. test/chunks.test.ts pins that the schemas come out as with openapiTS().
 */
import {
  addJSDocComment,
  createRef,
  resolveRef,
  transformHeaderObject,
  transformOperationObject,
  transformParameterObject,
  transformRequestBodyObject,
  transformResponseObject,
  transformSchemaObject,
  tsLiteral,
  tsModifiers,
  tsPropertyIndex,
  tsUnion,
  type GlobalContext,
  type OpenAPI3,
  type OpenAPITSOptions,
  type OperationObject,
  type SchemaObject,
} from "openapi-typescript";
import ts from "typescript";
import {
  aliasLines,
  containersOf,
  frameText,
  header,
  operationDoc,
  partsOf,
  referenceUrl,
  spliceFrame,
  type Container,
  type EmitInput,
  type HeaderOptions,
  type NamedComponent,
  type NamedOperation,
  type NamedSchema,
  type PartId,
} from "./chunks.js";
import { DIRECTED } from "./direction.js";
import { WITH_REQUIRED } from "./helper-types.js";
import { HTTP_METHODS } from "./layout.js";
import { fromEntries, type Json, type JsonObject } from "./json.js";
import type { NormalizedSet } from "./normalize.js";
import { mapComponent, mapOperation, type ComponentSection } from "./openapi-objects.js";
import { mapSchema } from "./walk.js";

export type EmitOptions = HeaderOptions;

/** The openapi-typescript options this project's faithfulness depends on; each is pinned by a test. */
export const OPENAPI_TS_OPTIONS = {
  // `default` annotates a value; whether a key may be absent is decided by `required` alone.
  defaultNonNullable: false,
  // `{ type: "object" }` with no properties accepts any object, not only `{}`.
  emptyObjectsUnknown: true,
  silent: true,
} as const satisfies OpenAPITSOptions;

export interface EmittedPart extends PartId {
  /** The member as printed, unformatted: its JSDoc comment and `Name: type;`. */
  text: string;
  /** openapi-typescript looked up another part (`ctx.resolve`) while typing this one. */
  readsOthers: boolean;
}

export type { EmitInput, NamedComponent, NamedOperation, NamedSchema, PartId };

/** What a run asks of the emitter: some parts, with what their typing can read. */
export interface EmitRequest {
  input: EmitInput;
  parts: PartId[];
}

export interface EmitReply {
  parts: EmittedPart[];
}

export interface PartEmitter {
  part(id: PartId): EmittedPart;
}

/** The whole file, unformatted: what formatDeclarations() turns into the output in one piece. */
export async function emitDeclarations(set: NormalizedSet, options: EmitOptions): Promise<string> {
  const parts = partsOf(set);
  const emitter = createEmitter(set);
  const members = new Map<Container, string[]>();
  for (const id of parts) {
    const list = members.get(id.container) ?? [];
    list.push(emitter.part(id).text + "\n");
    members.set(id.container, list);
  }
  const frame = frameText(header(set, options), containersOf(parts));
  return spliceFrame(
    frame,
    members,
    aliasLines(set).map((line) => line + "\n"),
  );
}

export function emitParts(request: EmitRequest): EmitReply {
  const emitter = createEmitter(request.input);
  return { parts: request.parts.map((id) => emitter.part(id)) };
}

export function createEmitter(input: EmitInput): PartEmitter {
  const document = openApiDocument(input);
  let reads = false;
  const ctx = createContext(document, () => {
    reads = true;
  });
  const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: false });
  const file = ts.createSourceFile(
    "member.ts",
    "",
    ts.ScriptTarget.ESNext,
    false,
    ts.ScriptKind.TS,
  );
  const operationsById = new Map(input.operations.map((o) => [o.operationId, o]));
  const operationsByRoute = new Map<string, NamedOperation[]>();
  for (const o of input.operations)
    operationsByRoute.set(o.route, [...(operationsByRoute.get(o.route) ?? []), o]);
  const print = (name: string, property: ts.PropertySignature) => {
    const text = printer.printNode(ts.EmitHint.Unspecified, property, file);
    if (text.includes(REQUIRED_MARKER))
      throw new Error(`emit: ${name}: a required-keys marker was not replaced`);
    return text;
  };
  /** `finish`: whether the type may hold markers (always for operations and components, which are few). */
  const property = (name: string, type: ts.TypeNode, finish = true) =>
    ts.factory.createPropertySignature(
      tsModifiers({ readonly: ctx.immutable }),
      tsPropertyIndex(name),
      undefined,
      finish ? applyRequiredMarkers(type) : type,
    );
  const lookUp = <T>(map: Record<string, T> | undefined, id: PartId): T => {
    const item = map && Object.hasOwn(map, id.name) ? map[id.name] : undefined;
    if (item === undefined)
      throw new Error(
        `emit: no ${id.container} member named ${JSON.stringify(id.name)} in the set`,
      );
    return item;
  };
  return {
    part(id) {
      reads = false;
      let member: ts.PropertySignature;
      const { container, name } = id;
      if (
        container === "schemas" ||
        container === "requestSchemas" ||
        container === "responseSchemas"
      ) {
        const schemas =
          container === "schemas"
            ? document.components!.schemas
            : (document as unknown as Record<string, Record<string, SchemaObject>>)[container];
        const item = lookUp(schemas, id);
        const path = container === "schemas" ? ["components", "schemas", name] : [container, name];
        // What transformComponentsObject() does for each entry of components.schemas.
        member = property(
          name,
          transformSchemaObject(item, { path: createRef(path), schema: item, ctx }),
          NEEDS_FINISH.has(item),
        );
        addJSDocComment(item, member);
      } else if (container === "operations") {
        const operation = operationsById.get(name);
        if (operation === undefined) throw new Error(`emit: no operation ${JSON.stringify(name)}`);
        const object = lookUp(document.paths![operation.route] as Record<string, OperationObject>, {
          container,
          name: operation.method,
        });
        const type = ts.factory.createTypeLiteralNode(
          transformOperationObject(object, {
            path: createRef(["paths", operation.route, operation.method]),
            ctx,
          }),
        );
        member = property(name, type);
        addOperationDoc(operation, member);
      } else if (container === "paths") {
        const operations = operationsByRoute.get(name);
        if (operations === undefined) throw new Error(`emit: no path ${JSON.stringify(name)}`);
        member = property(name, pathItemType(operations, ctx));
      } else {
        const components = (document.components as Record<string, Record<string, unknown>>)[
          container
        ];
        const item = lookUp(components, id);
        const transform = COMPONENT_TRANSFORMS[container];
        member = property(
          name,
          transform(item as never, {
            path: createRef(["components", container, name]),
            schema: item as never,
            ctx,
          }) as ts.TypeNode,
        );
        addJSDocComment(item as never, member);
      }
      return { ...id, text: print(name, member), readsOthers: reads };
    },
  };
}

const COMPONENT_TRANSFORMS = {
  responses: transformResponseObject,
  parameters: transformParameterObject,
  requestBodies: transformRequestBodyObject,
  headers: transformHeaderObject,
} satisfies Record<ComponentSection, unknown>;

/**
 * A member of `paths`, as openapi-typescript's transformPathItemObject() writes it for operations with an
 * operationId: path-level parameters none (sync merges them into each operation), each method `never` or a
 * reference into `operations`, with the operation's doc comment.
 */
function pathItemType(operations: readonly NamedOperation[], ctx: GlobalContext): ts.TypeNode {
  const never = (name: string) =>
    ts.factory.createPropertySignature(
      tsModifiers({ readonly: ctx.immutable }),
      tsPropertyIndex(name),
      ts.factory.createToken(ts.SyntaxKind.QuestionToken),
      ts.factory.createKeywordTypeNode(ts.SyntaxKind.NeverKeyword),
    );
  const members: ts.TypeElement[] = [
    ts.factory.createPropertySignature(
      tsModifiers({ readonly: ctx.immutable }),
      tsPropertyIndex("parameters"),
      undefined,
      ts.factory.createTypeLiteralNode(["query", "header", "path", "cookie"].map(never)),
    ),
  ];
  for (const method of HTTP_METHODS) {
    const operation = operations.find((o) => o.method === method);
    if (operation === undefined) {
      members.push(never(method));
      continue;
    }
    const reference = ts.factory.createIndexedAccessTypeNode(
      ts.factory.createTypeReferenceNode("operations"),
      ts.factory.createLiteralTypeNode(ts.factory.createStringLiteral(operation.operationId)),
    );
    const member = ts.factory.createPropertySignature(
      tsModifiers({ readonly: ctx.immutable }),
      tsPropertyIndex(method),
      undefined,
      reference,
    );
    addOperationDoc(operation, member);
    members.push(member);
  }
  return ts.factory.createTypeLiteralNode(members);
}

export { referenceUrl };

/** The hover text of an operation (chunks.ts: operationDoc()), through openapi-typescript's JSDoc writer. */
function addOperationDoc(operation: NamedOperation, node: ts.PropertySignature): void {
  addJSDocComment(operationDoc(operation) as unknown as SchemaObject, node);
}

/**
 * The document openapi-typescript reads: a copy of everything (it may change what it is given), with
 * `required` beside allOf/anyOf/oneOf turned into markers that applyRequiredMarkers() replaces. The direction
 * variants sit at the top level (`#/requestSchemas/<Name>`), where their refs point.
 */
export function openApiDocument(input: EmitInput): OpenAPI3 {
  const schemas = (list: readonly NamedSchema[]) =>
    fromEntries(
      list.map((s) => [s.name, markRequired(s.name, s.schema) as unknown as SchemaObject]),
    );
  const marking = (file: string) => ({
    schema: (schema: Json) => markRequired(file, schema),
    ref: (ref: string) => ref,
  });
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of input.operations) {
    paths[o.route] ??= {};
    paths[o.route]![o.method] = mapOperation(o.operationId, o.operation, marking(o.operationId));
  }
  const components: Record<string, unknown> = { schemas: schemas(input.schemas) };
  for (const c of input.components) {
    const kind = (components[c.kind] ??= {}) as Record<string, unknown>;
    kind[c.name] = mapComponent(c.name, c.kind, c.body as JsonObject, marking(c.name));
  }
  return {
    openapi: "3.0.3",
    info: { title: "klaviyo-schema-types", version: "0" },
    paths: paths as OpenAPI3["paths"],
    components: components as OpenAPI3["components"],
    ...fromEntries(
      (["request", "response"] as const).map((d) => [
        DIRECTED[d].container,
        schemas(input.variants[d]) as never,
      ]),
    ),
  } as OpenAPI3;
}

/**
 * `required` beside allOf/anyOf/oneOf applies to the composed value: the keys may be declared by any part, or
 * by none. openapi-typescript honours it only for keys that a `$ref`'d allOf part declares directly, and drops
 * it otherwise, also when the part is a nullable reference. Such a node `N` is emitted as
 * `{ allOf: [N without required, marker] }`, and the intersection with the marker becomes
 * `WithRequired<N, keys>` (chunks.ts declares the helper): keys required on object types, the rest of the union
 * (null, arrays, primitives, which `required` does not constrain) unchanged.
 */
const REQUIRED_MARKER = "__kst_required_keys__";
/** What openapi-typescript's JSDoc and `readonly` modifier read off a node; kept on the wrapper. */
const ANNOTATIONS = [
  "title",
  "summary",
  "format",
  "deprecated",
  "description",
  "default",
  "example",
  "examples",
  "readOnly",
  "writeOnly",
];

function markRequired(file: string, schema: Json): Json {
  let finish = false;
  const marked = mapSchema(file, schema, (node) => {
    // A key refused in its direction (enum: []) needs the last touch too.
    if (Array.isArray(node["enum"]) && node["enum"].length === 0) finish = true;
    const required = node["required"];
    if (!Array.isArray(required) || required.length === 0) return node;
    if (!["allOf", "anyOf", "oneOf"].some((key) => Array.isArray(node[key]))) return node;
    const inner = fromEntries(Object.entries(node).filter(([key]) => key !== "required"));
    const keys = [...new Set(required as string[])];
    finish = true;
    return fromEntries([
      ["allOf", [inner, { enum: [REQUIRED_MARKER, ...keys] }]],
      ...ANNOTATIONS.filter((key) => Object.hasOwn(node, key)).map((key): [string, Json] => [
        key,
        node[key]!,
      ]),
    ]);
  });
  if (finish && typeof marked === "object" && marked !== null) NEEDS_FINISH.add(marked);
  return marked;
}

/**
 * The marked schemas whose types need applyRequiredMarkers(); for the others (most) the AST walk is skipped. A
 * schema object of the document is in it when it, or any node below it, was marked.
 */
const NEEDS_FINISH = new WeakSet<object>();

/**
 * The last touches on openapi-typescript's types: each `T & marker` that markRequired() led to becomes
 * `WithRequired<T, keys>`, and a key refused in requests (direction.ts: `enum: []`, so `key?: never`) loses the
 * `@enum {unknown}` line that openapi-typescript writes for any enum.
 */
export function applyRequiredMarkers<T extends ts.Node>(node: T): T {
  const result = ts.transform(node, [
    (context) => {
      const visit = (child: ts.Node): ts.Node => {
        if (ts.isPropertySignature(child) && child.type?.kind === ts.SyntaxKind.NeverKeyword)
          dropEmptyEnumTag(child);
        if (ts.isIntersectionTypeNode(child) && child.types.length === 2) {
          const keys = markerKeys(unparenthesized(child.types[1]!));
          if (keys !== undefined) {
            return ts.factory.createTypeReferenceNode(WITH_REQUIRED, [
              visit(unparenthesized(child.types[0]!)) as ts.TypeNode,
              tsUnion(keys.map((key) => tsLiteral(key))),
            ]);
          }
        }
        return ts.visitEachChild(child, visit, context);
      };
      return (root) => visit(root) as T;
    },
  ]);
  const [out] = result.transformed;
  result.dispose();
  return out!;
}

function dropEmptyEnumTag(node: ts.Node): void {
  const comments = ts.getSyntheticLeadingComments(node);
  if (comments === undefined) return;
  ts.setSyntheticLeadingComments(
    node,
    comments.flatMap((comment) => {
      const lines = comment.text.split("\n").filter((line) => line.trim() !== "* @enum {unknown}");
      if (lines.length === comment.text.split("\n").length) return [comment];
      // What is left: the opening "*", the remaining lines, the closing " ".
      const body = lines.slice(1, -1);
      if (body.length === 0) return [];
      const text = body.length === 1 ? `* ${body[0]!.replace(/^ \* /, "")} ` : lines.join("\n");
      return [{ ...comment, text }];
    }),
  );
}

/** The factory parenthesizes a union inside an intersection; a type argument needs no parentheses. */
function unparenthesized(node: ts.TypeNode): ts.TypeNode {
  return ts.isParenthesizedTypeNode(node) ? unparenthesized(node.type) : node;
}

/** The keys of a marker as openapi-typescript types it: a union of string literals, the marker first. */
function markerKeys(node: ts.Node): string[] | undefined {
  if (!ts.isUnionTypeNode(node)) return undefined;
  // openapi-typescript's tsLiteral() prints a string literal as an identifier holding its JSON text.
  const texts = node.types.map((type: ts.Node) => (ts.isIdentifier(type) ? type.text : ""));
  if (texts[0] !== JSON.stringify(REQUIRED_MARKER)) return undefined;
  return texts.slice(1).map((text) => JSON.parse(text) as string);
}

/** The context openapiTS() builds (openapi-typescript 7.13, src/index.ts), for OPENAPI_TS_OPTIONS. */
function createContext(document: OpenAPI3, onResolve: () => void): GlobalContext {
  const options: OpenAPITSOptions = OPENAPI_TS_OPTIONS;
  return {
    additionalProperties: options.additionalProperties ?? false,
    alphabetize: options.alphabetize ?? false,
    arrayLength: options.arrayLength ?? false,
    defaultNonNullable: options.defaultNonNullable ?? true,
    // normalize.ts has turned every discriminator into narrowed branches; openapi-typescript's own handling
    // would write into the branch schemas (see narrowDiscriminatedBranches there).
    discriminators: { objects: {}, refsHandled: [] },
    emptyObjectsUnknown: options.emptyObjectsUnknown ?? false,
    enum: options.enum ?? false,
    enumValues: options.enumValues ?? false,
    conditionalEnums: options.conditionalEnums ?? false,
    dedupeEnums: options.dedupeEnums ?? false,
    excludeDeprecated: options.excludeDeprecated ?? false,
    exportType: options.exportType ?? false,
    immutable: options.immutable ?? false,
    rootTypes: options.rootTypes ?? false,
    rootTypesNoSchemaPrefix: options.rootTypesNoSchemaPrefix ?? false,
    rootTypesKeepCasing: options.rootTypesKeepCasing ?? false,
    injectFooter: [],
    pathParamsAsTypes: options.pathParamsAsTypes ?? false,
    postTransform: undefined,
    propertiesRequiredByDefault: options.propertiesRequiredByDefault ?? false,
    // Only openapiTS()'s lint-and-bundle pass reads the redocly config.
    redoc: undefined as unknown as GlobalContext["redoc"],
    silent: options.silent ?? false,
    inject: options.inject ?? undefined,
    transform: undefined,
    transformProperty: undefined,
    makePathsEnum: options.makePathsEnum ?? false,
    generatePathParams: options.generatePathParams ?? false,
    readWriteMarkers: options.readWriteMarkers ?? false,
    resolve<T>($ref: string) {
      onResolve();
      return resolveRef<T>(document, $ref, { silent: options.silent ?? false });
    },
  };
}
