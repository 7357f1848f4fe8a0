/**
 * Type names for the per-schema aliases. A schema name that is not a TypeScript identifier is made into
 * one by a fixed rule, so the same set always gives the same names; two schemas that end up with one
 * name are an error rather than a silent overwrite.
 */
import { SchemaError } from "./errors.js";
import { HELPER_TYPE_NAMES } from "./helper-types.js";

/** The interfaces of the file (chunks.ts lays them out). */
const CONTAINER_INTERFACES = [
  "paths",
  "components",
  "operations",
  "requestSchemas",
  "responseSchemas",
];
import type { LoadedSchema } from "./load.js";

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "implements interface let package private protected public static yield any boolean never number object string " +
    "symbol undefined unknown bigint type as async await declare from get set of require module namespace keyof readonly infer is asserts"
  ).split(" "),
);
/** Names the generated file itself declares: its interfaces (chunks.ts) and the helper types. */
const TAKEN = new Set([...CONTAINER_INTERFACES, ...HELPER_TYPE_NAMES]);

export function toTypeName(schemaName: string): string {
  // Any Unicode identifier character is kept; everything else becomes "_".
  let name = schemaName.replace(/[^\p{ID_Continue}$\u200c\u200d]/gu, "_");
  if (name === "" || !/^[\p{ID_Start}$_]/u.test(name)) name = "_" + name;
  if (RESERVED.has(name) || TAKEN.has(name)) name = name + "_";
  return name;
}

export function typeNames<S extends Pick<LoadedSchema, "name" | "path">>(
  schemas: readonly S[],
): { schema: S; typeName: string }[] {
  const seen = new Map<string, S>();
  return schemas.map((schema) => {
    const typeName = toTypeName(schema.name);
    const other = seen.get(typeName);
    if (other) {
      throw new SchemaError(
        schema.path,
        undefined,
        `schema "${schema.name}" and schema "${other.name}" (${other.path}) both become the type name ${typeName}; rename one`,
      );
    }
    seen.set(typeName, schema);
    return { schema, typeName };
  });
}
