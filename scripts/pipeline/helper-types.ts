/**
 * The helper types the declaration file declares after everything else, each exactly when the file uses it, as
 * text in prettier's form (test/chunks.test.ts formats the whole file to check), so formatting in parts needs no
 * part for them. Pure.
 */

/** The helper type for `required` beside allOf/anyOf/oneOf (emit.ts). */
export const WITH_REQUIRED = "WithRequired";

/**
 * `required` beside allOf/anyOf/oneOf (emit.ts) becomes `WithRequired<T, keys>`: on object types the keys are
 * required and cannot hold undefined (a key no part declares may hold any value); null, arrays and primitives in
 * `T`, which `required` does not constrain, pass unchanged. Declared after everything, exactly when the text uses
 * it, in the form prettier gives it (test/chunks.test.ts formats it), so formatting in parts needs no extra part.
 */
export const WITH_REQUIRED_HELPER = [
  "type WithRequired<T, K extends PropertyKey> = T extends readonly unknown[]",
  "  ? T",
  "  : T extends object",
  "    ? T & {",
  "        [P in K]-?: P extends keyof T ? Exclude<T[P], undefined> : unknown;",
  "      }",
  "    : T;",
].join("\n");

/**
 * Named types for calls, declared when the file has operations (README, "Typed calls"): a user never has to
 * spell a media type or a status code. In prettier's form, as WITH_REQUIRED_HELPER.
 */
export const OPERATION_HELPERS = [
  "/** The operationId of every call: `operations[OperationId]` holds its parameters, request body and responses. */",
  "export type OperationId = keyof operations;",
  "/** The parameters of operation `Id`, by where they go: `path`, `query`, `header` (and `cookie`). */",
  'export type OperationParameters<Id extends OperationId> = operations[Id]["parameters"];',
  "/** The path parameters of operation `Id` (`never` when it has none). */",
  "export type PathParameters<Id extends OperationId> = NonNullable<",
  '  operations[Id]["parameters"]["path"]',
  ">;",
  "/** The query parameters of operation `Id` (`never` when it has none). */",
  "export type QueryParameters<Id extends OperationId> = NonNullable<",
  '  operations[Id]["parameters"]["query"]',
  ">;",
  "/** The header parameters of operation `Id` (`never` when it has none). */",
  "export type HeaderParameters<Id extends OperationId> = NonNullable<",
  '  operations[Id]["parameters"]["header"]',
  ">;",
  "/** What may be sent as the request body of operation `Id`, in any of its media types (`never` when it takes none). */",
  "export type RequestBody<Id extends OperationId> = ContentOf<",
  '  NonNullable<operations[Id]["requestBody"]>',
  ">;",
  '/** What operation `Id` may answer with status `Status` (a code, or a range such as "4XX"). */',
  "export type ResponseBody<",
  "  Id extends OperationId,",
  '  Status extends keyof operations[Id]["responses"],',
  '> = ContentOf<operations[Id]["responses"][Status]>;',
  "/** What operation `Id` may answer on success: the body of any 2XX status. */",
  "export type SuccessBody<Id extends OperationId> = ResponseBody<Id, StatusOf<Id, `2${string}`>>;",
  "/** What operation `Id` may answer on failure: the body of any 4XX or 5XX status, or of `default`. */",
  "export type ErrorBody<Id extends OperationId> = ResponseBody<",
  "  Id,",
  '  StatusOf<Id, `4${string}` | `5${string}` | "default">',
  ">;",
  "/**",
  " * `paths` for a client that sends the headers `Name` on every call itself, e.g. openapi-fetch's",
  ' * `createClient<PathsWithPresetHeaders<"revision">>({ headers: { revision } })`: calls may leave them out.',
  " * `paths` itself stays as the API says: every call requires them.",
  " */",
  "export type PathsWithPresetHeaders<Name extends string> = {",
  "  [Path in keyof paths]: {",
  "    [Method in keyof paths[Path]]: PresetHeaders<paths[Path][Method], Name>;",
  "  };",
  "};",
  "type ContentOf<T> = T extends { content: infer Content } ? Content[keyof Content] : never;",
  "type StatusOf<Id extends OperationId, Pattern extends string> = {",
  '  [Status in keyof operations[Id]["responses"]]: `${Status & (string | number)}` extends Pattern',
  "    ? Status",
  "    : never;",
  '}[keyof operations[Id]["responses"]];',
  "type PresetHeaders<Operation, Name extends string> = Operation extends {",
  "  parameters: { header: infer Headers };",
  "}",
  '  ? Omit<Operation, "parameters"> & {',
  '      parameters: Omit<Operation["parameters"], "header"> &',
  "        ({} extends Omit<Headers, Name>",
  "          ? { header?: Omit<Headers, Name> & Partial<Pick<Headers, Name & keyof Headers>> }",
  "          : { header: Omit<Headers, Name> & Partial<Pick<Headers, Name & keyof Headers>> });",
  "    }",
  "  : Operation;",
].join("\n");

/** Names the helpers declare; a schema's alias must not take one (names.ts). */
export const HELPER_TYPE_NAMES = [
  WITH_REQUIRED,
  ...[...OPERATION_HELPERS.matchAll(/^(?:export )?type (\w+)/gm)].map((match) => match[1]!),
];

/** The helper declarations that `text` uses, to go after it. */
export function helperTypes(text: string): string {
  const helpers: string[] = [];
  // The single file declares `interface operations`; an entry of entries.ts combines shared modules' in a type.
  if (/\nexport (?:interface operations \{|type operations =)/.test(text))
    helpers.push(OPERATION_HELPERS);
  if (new RegExp(`\\b${WITH_REQUIRED}<`).test(text)) helpers.push(WITH_REQUIRED_HELPER);
  return helpers.map((helper) => helper + "\n").join("");
}
