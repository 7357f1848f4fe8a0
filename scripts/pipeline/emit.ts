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
  scanDiscriminators,
  transformSchema,
  transformSchemaObject,
  tsModifiers,
  tsPropertyIndex,
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
  type HeaderOptions,
} from "./chunks.js";
import { fromEntries } from "./json.js";
import type { LoadedSchema } from "./load.js";
import type { NormalizedSet } from "./normalize.js";

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
  return `${header(set, options)}\n${body}\n${aliasLines(set).join("\n")}\n`;
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
      const type = transformSchemaObject(item, {
        path: createRef(["components", "schemas", name]),
        schema: item,
        ctx,
      });
      const property = ts.factory.createPropertySignature(
        tsModifiers({ readonly: ctx.immutable }),
        tsPropertyIndex(name),
        undefined,
        type,
      );
      addJSDocComment(item, property);
      return {
        name,
        text: printer.printNode(ts.EmitHint.Unspecified, property, file),
        readsOthers: reads,
      };
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

function componentsDocument(named: readonly NamedSchema[]): OpenAPI3 {
  return {
    openapi: "3.0.3",
    info: { title: "klaviyo-schema-types", version: "0" },
    paths: {},
    components: {
      schemas: fromEntries(named.map((s) => [s.name, s.schema as unknown as SchemaObject])),
    },
  };
}

/** The `components` interface of openapiTS()'s output for this document, printed. */
function componentsInterface(document: OpenAPI3, ctx: GlobalContext): string {
  const nodes = transformSchema(document, ctx).filter(
    (node) => ts.isInterfaceDeclaration(node) && node.name.text === "components",
  );
  if (nodes.length !== 1) throw new Error("openapi-typescript did not emit a components interface");
  return astToString(nodes);
}

/** The context openapiTS() builds (openapi-typescript 7.13, src/index.ts), for OPENAPI_TS_OPTIONS. */
function createContext(document: OpenAPI3, onResolve: () => void): GlobalContext {
  const options: OpenAPITSOptions = OPENAPI_TS_OPTIONS;
  return {
    additionalProperties: options.additionalProperties ?? false,
    alphabetize: options.alphabetize ?? false,
    arrayLength: options.arrayLength ?? false,
    defaultNonNullable: options.defaultNonNullable ?? true,
    // scanDiscriminators walks the whole document; a quick look first skips it when there is nothing to find.
    discriminators: hasDiscriminator(document)
      ? scanDiscriminators(document, options)
      : { objects: {}, refsHandled: [] },
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

/** Whether any object in the document has a `discriminator` with a `propertyName`, which is all scanDiscriminators() collects. */
function hasDiscriminator(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some(hasDiscriminator);
  const discriminator = (value as Record<string, unknown>)["discriminator"];
  if (
    typeof discriminator === "object" &&
    discriminator !== null &&
    (discriminator as Record<string, unknown>)["propertyName"]
  )
    return true;
  return Object.values(value).some(hasDiscriminator);
}
