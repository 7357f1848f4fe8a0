/**
 * Stage 4, emit: normalised schemas → TypeScript declarations, with openapi-typescript doing the typing.
 * This stage adds what openapi-typescript does not: a header, one named alias per schema, and only the
 * `components` interface (no empty `paths`, `operations` or `webhooks`).
 *
 * Each schema is emitted on its own, as one member of `components.schemas`, so that the members can be
 * formatted in parallel chunks and a cache can reuse the ones whose inputs did not change (see chunks.ts).
 * The typing is openapi-typescript's own transform with the context openapiTS() builds for our options;
 * openapiTS()'s redocly lint-and-bundle pass is skipped: the resolve stage has already checked every `$ref`,
 * and that pass was half of this stage's time. test/chunks.test.ts pins that the output is the same as with openapiTS().
 */
import {
  addJSDocComment,
  astToString,
  createRef,
  resolveRef,
  transformSchema,
  transformSchemaObject,
  tsLiteral,
  tsModifiers,
  tsPropertyIndex,
  tsUnion,
  type GlobalContext,
  type OpenAPI3,
  type OpenAPITSOptions,
  type SchemaObject,
} from "openapi-typescript";
import ts from "typescript";
import {
  ALIASES_PLACEHOLDER,
  aliasLines,
  framePlaceholderSchema,
  header,
  helperTypes,
  type HeaderOptions,
} from "./chunks.js";
import { fromEntries, type Json } from "./json.js";
import type { LoadedSchema } from "./load.js";
import type { NormalizedSet } from "./normalize.js";
import { WITH_REQUIRED } from "./names.js";
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

export interface EmittedMember {
  name: string;
  /** The member as printed, unformatted: its JSDoc comment and `Name: type;`. */
  text: string;
  /** openapi-typescript looked up other schemas (`ctx.resolve`) while typing this one. */
  readsOthers: boolean;
}

export interface MemberEmitter {
  /** One schema of the set as a member of `components.schemas`. */
  member(name: string): EmittedMember;
  /** The file around the members, unformatted, with placeholders where members and aliases go (see chunks.ts). */
  frame(headerText: string): string;
}

/** What a run asks of the emitter: some members and maybe the frame, with the schemas their typing can read. */
export interface EmitRequest {
  /** The named schemas, and every schema their typing can reach (see generate.ts). */
  schemas: NamedSchema[];
  names: string[];
  /** The header, when the frame is wanted too. */
  header?: string;
}

export interface EmitReply {
  members: EmittedMember[];
  frame?: string;
}

export type NamedSchema = Pick<LoadedSchema, "name" | "schema">;

/** The whole file, unformatted: what formatDeclarations() turns into the output in one piece. */
export async function emitDeclarations(set: NormalizedSet, options: EmitOptions): Promise<string> {
  const document = componentsDocument(set.schemas);
  const body = componentsInterface(
    document,
    createContext(document, () => {}),
  );
  const text = `${header(set, options)}\n${body}\n${aliasLines(set).join("\n")}\n`;
  return text + helperTypes(text);
}

export function emitParts(request: EmitRequest): EmitReply {
  const emitter = createEmitter(request.schemas);
  const members = request.names.map((name) => emitter.member(name));
  return request.header === undefined
    ? { members }
    : { members, frame: emitter.frame(request.header) };
}

export function createEmitter(named: readonly NamedSchema[]): MemberEmitter {
  const document = componentsDocument(named);
  let reads = false;
  const ctx = createContext(document, () => {
    reads = true;
  });
  const schemas = document.components!.schemas!;
  const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: false });
  const file = ts.createSourceFile(
    "member.ts",
    "",
    ts.ScriptTarget.ESNext,
    false,
    ts.ScriptKind.TS,
  );
  return {
    member(name) {
      const item = Object.hasOwn(schemas, name) ? schemas[name] : undefined;
      if (item === undefined)
        throw new Error(`emit: no schema named ${JSON.stringify(name)} in the set`);
      reads = false;
      // What transformComponentsObject() does for each entry of components.schemas.
      const type = applyRequiredMarkers(
        transformSchemaObject(item, {
          path: createRef(["components", "schemas", name]),
          schema: item,
          ctx,
        }),
      );
      const property = ts.factory.createPropertySignature(
        tsModifiers({ readonly: ctx.immutable }),
        tsPropertyIndex(name),
        undefined,
        type,
      );
      addJSDocComment(item, property);
      const text = printer.printNode(ts.EmitHint.Unspecified, property, file);
      if (text.includes(REQUIRED_MARKER))
        throw new Error(`emit: ${name}: a required-keys marker was not replaced`);
      return { name, text, readsOthers: reads };
    },
    frame(headerText) {
      const placeholder = {
        components: { schemas: fromEntries([framePlaceholderSchema()]) },
      } as OpenAPI3;
      const body = componentsInterface(
        placeholder,
        createContext(placeholder, () => {}),
      );
      return `${headerText}\n${body}\n${ALIASES_PLACEHOLDER}\n`;
    },
  };
}

/**
 * The document openapi-typescript reads: a copy of the schemas (it may change what it is given), with
 * `required` beside allOf/anyOf/oneOf turned into markers that applyRequiredMarkers() replaces.
 */
export function componentsDocument(named: readonly NamedSchema[]): OpenAPI3 {
  return {
    openapi: "3.0.3",
    info: { title: "klaviyo-schema-types", version: "0" },
    paths: {},
    components: {
      schemas: fromEntries(
        named.map((s) => [s.name, markRequiredOverComposition(s) as unknown as SchemaObject]),
      ),
    },
  };
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

function markRequiredOverComposition(named: NamedSchema): Json {
  return mapSchema(named.name, named.schema, (node) => {
    const required = node["required"];
    if (!Array.isArray(required) || required.length === 0) return node;
    if (!["allOf", "anyOf", "oneOf"].some((key) => Array.isArray(node[key]))) return node;
    const inner = fromEntries(Object.entries(node).filter(([key]) => key !== "required"));
    const keys = [...new Set(required as string[])];
    return fromEntries([
      ["allOf", [inner, { enum: [REQUIRED_MARKER, ...keys] }]],
      ...ANNOTATIONS.filter((key) => Object.hasOwn(node, key)).map((key): [string, Json] => [
        key,
        node[key]!,
      ]),
    ]);
  });
}

/** Replaces each `T & marker` that markRequiredOverComposition() led to with `WithRequired<T, keys>`. */
export function applyRequiredMarkers<T extends ts.Node>(node: T): T {
  const result = ts.transform(node, [
    (context) => {
      const visit = (child: ts.Node): ts.Node => {
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

/** The `components` interface of openapiTS()'s output for this document, printed. */
function componentsInterface(document: OpenAPI3, ctx: GlobalContext): string {
  const nodes = transformSchema(document, ctx)
    .filter((node) => ts.isInterfaceDeclaration(node) && node.name.text === "components")
    .map(applyRequiredMarkers);
  if (nodes.length !== 1) throw new Error("openapi-typescript did not emit a components interface");
  const text = astToString(nodes);
  if (text.includes(REQUIRED_MARKER))
    throw new Error("emit: a required-keys marker was not replaced");
  return text;
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
