/**
 * What breaks, decided by the TypeScript compiler on the generated types, not by a keyword list:
 * - a change breaks **readers** (code that reads the type, e.g. a response) when the new type is not
 *   assignable to the old one: values can now arrive that the old code was not written for;
 * - it breaks **writers** (code that builds the type, e.g. a request body) when the old type is not
 *   assignable to the new one: values built to the old type no longer type-check.
 *
 * Both sides' declarations live in one in-memory Program (two modules, old.d.ts and new.d.ts), and every
 * schema is judged with `checker.isTypeAssignableTo` (public API; declared in typescript.d.ts of 5.9) in that one Program:
 * one parse and one checker for any number of schemas, and nothing written to disk.
 */
import ts from "typescript";

export interface Breaks {
  readers: boolean;
  writers: boolean;
}

/**
 * The options a consumer of this package is expected to use. `strict` matters: without strictNullChecks
 * `null` is assignable to everything and no nullable change would ever break anyone.
 */
export const VERDICT_COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  types: [],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
};

const ROOT = "/__klaviyo_schema_drift__";
const OLD_FILE = `${ROOT}/old.d.ts`;
const NEW_FILE = `${ROOT}/new.d.ts`;

/**
 * Judges each name in `order` (present on both sides) by comparing `components["schemas"][name]` of the
 * old declarations with that of the new. Both texts are emit.ts output.
 *
 * Order matters, and should be bottom-up (a schema after the schemas it refers to; see dependents.ts).
 * TypeScript stops comparing when it sees the same kind of type nested three times with growing type ids
 * (three nested arrays, say) and then *assumes* the types related. Deep Klaviyo types (templates: sections →
 * rows → columns → blocks) hit that cut-off, and a top-down check calls an incompatible pair compatible.
 * Judged bottom-up, each comparison stops at the next named schema, whose verdict is already in the
 * checker's relation cache, so no comparison needs to go deep. (Measured on the 2026-04-15 → 2026-07-15
 * pair: top-down misses 14 real breaks that `tsc` reports with a concrete counterexample when the
 * declaration files are checked first; bottom-up agrees with that `tsc` run on all 279 schemas.)
 */
export function compilerVerdicts(
  oldDeclarations: string,
  newDeclarations: string,
  order: readonly string[],
): Map<string, Breaks> {
  const verdicts = new Map<string, Breaks>();
  if (order.length === 0) return verdicts;
  const program = inMemoryProgram(
    new Map([
      [OLD_FILE, oldDeclarations],
      [NEW_FILE, newDeclarations],
    ]),
  );
  const problems = [
    ...program.getSyntacticDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
  ];
  if (problems.length > 0) {
    throw new Error(
      `the generated declarations do not compile: ${ts.flattenDiagnosticMessageText(problems[0]!.messageText, " ")}`,
    );
  }
  const checker = program.getTypeChecker();
  const oldSchemas = schemasType(program, checker, OLD_FILE);
  const newSchemas = schemasType(program, checker, NEW_FILE);
  for (const name of order) {
    const before = schemaType(checker, oldSchemas, name, OLD_FILE);
    const after = schemaType(checker, newSchemas, name, NEW_FILE);
    verdicts.set(name, {
      readers: !checker.isTypeAssignableTo(after, before),
      writers: !checker.isTypeAssignableTo(before, after),
    });
  }
  return verdicts;
}

/** TypeScript's own lib files, parsed once per process: they never change, and parsing them is most of a small run. */
const libFiles = new Map<string, ts.SourceFile>();

function inMemoryProgram(files: Map<string, string>): ts.Program {
  const host = ts.createCompilerHost(VERDICT_COMPILER_OPTIONS, true);
  // As tsc does: JSDoc is parsed only where it can carry types (JavaScript files), not in the doc comments
  // of the declarations or of TypeScript's lib, which are most of what there is to parse.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = files.get(fileName);
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, false);
    const known = libFiles.get(fileName);
    if (known) return known;
    const parsed = getSourceFile(fileName, languageVersion, onError, shouldCreate);
    if (parsed) libFiles.set(fileName, parsed);
    return parsed;
  };
  host.fileExists = (fileName) => files.has(fileName) || fileExists(fileName);
  // The in-memory root is no folder on disk; module resolution of the check file's imports looks it up.
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (name) => name === ROOT || (directoryExists?.(name) ?? false);
  host.readFile = (fileName) => files.get(fileName) ?? readFile(fileName);
  host.writeFile = () => {};
  return ts.createProgram({
    rootNames: [...files.keys()],
    options: VERDICT_COMPILER_OPTIONS,
    host,
  });
}

/** `components["schemas"]` of one module. */
function schemasType(program: ts.Program, checker: ts.TypeChecker, file: string): ts.Type {
  const source = program.getSourceFile(file);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  const components =
    moduleSymbol &&
    checker.getExportsOfModule(moduleSymbol).find((symbol) => symbol.name === "components");
  if (!components)
    throw new Error(`${file}: the generated declarations export no "components" interface`);
  const schemas = checker.getPropertyOfType(checker.getDeclaredTypeOfSymbol(components), "schemas");
  if (!schemas) throw new Error(`${file}: components has no "schemas" member`);
  return checker.getTypeOfSymbol(schemas);
}

function schemaType(
  checker: ts.TypeChecker,
  schemas: ts.Type,
  name: string,
  file: string,
): ts.Type {
  const property = checker.getPropertyOfType(schemas, name);
  if (!property)
    throw new Error(`${file}: components["schemas"] has no member ${JSON.stringify(name)}`);
  return checker.getTypeOfSymbol(property);
}

const CHECK_FILE = `${ROOT}/check.ts`;

/** What to judge for operations, each list in the order it is judged (see compilerVerdicts for why order matters). */
export interface OperationPlan {
  /** `components["schemas"]` members present on both sides, bottom-up: judged both ways. */
  schemas: readonly string[];
  /** Direction variants present on both sides, bottom-up: request ones old → new, response ones new → old. */
  requestSchemas: readonly string[];
  responseSchemas: readonly string[];
  /** operationIds present on both sides. */
  operations: readonly string[];
}

export interface OperationVerdict {
  /** A call written for the old revision no longer type-checks. */
  requests: boolean;
  /** The union of the new 2XX bodies is not assignable to the old one. */
  responses: boolean;
  /** Where an old call may send a key that the new types no longer take (removed, or readOnly: `?: never`). */
  keys: { where: string; readOnly: boolean }[];
}

/**
 * The compiler's verdicts for operations, in one Program with old.d.ts, new.d.ts and a check module that names
 * the types to compare: `OperationParameters<Id>`, `RequestBody<Id>` (plus `undefined` when the body is
 * optional) and `SuccessBody<Id>` of both sides. The named schemas and direction variants are judged first,
 * bottom-up, so the operations' comparisons find their verdicts in the checker's relation cache.
 *
 * Callers write object literals, and TypeScript refuses unknown keys in them, which assignability does not
 * see: so, besides assignability, every key of the old parameters and body, at any depth, must still be a key
 * of the new type (or fall under an index signature).
 */
export function operationVerdicts(
  oldDeclarations: string,
  newDeclarations: string,
  plan: OperationPlan,
): { schemas: Map<string, Breaks>; operations: Map<string, OperationVerdict> } {
  const lines = ['import type * as O from "./old.js";', 'import type * as N from "./new.js";'];
  const alias = (name: string, side: "O" | "N", text: string) =>
    lines.push(`export type ${name}_${side} = ${text.replace(/\$/g, side)};`);
  plan.schemas.forEach((name, i) => {
    for (const side of ["O", "N"] as const)
      alias(`S${i}`, side, `$.components["schemas"][${JSON.stringify(name)}]`);
  });
  for (const container of ["requestSchemas", "responseSchemas"] as const)
    plan[container].forEach((name, i) => {
      for (const side of ["O", "N"] as const)
        alias(`${container}${i}`, side, `$.${container}[${JSON.stringify(name)}]`);
    });
  plan.operations.forEach((id, i) => {
    const key = JSON.stringify(id);
    for (const side of ["O", "N"] as const) {
      alias(`P${i}`, side, `$.OperationParameters<${key}>`);
      alias(
        `B${i}`,
        side,
        `$.RequestBody<${key}> | ($.operations[${key}] extends { requestBody: unknown } ? never : undefined)`,
      );
      alias(`R${i}`, side, `$.SuccessBody<${key}>`);
    }
  });
  const program = inMemoryProgram(
    new Map([
      [OLD_FILE, oldDeclarations],
      [NEW_FILE, newDeclarations],
      [CHECK_FILE, lines.join("\n") + "\n"],
    ]),
  );
  const problems = [
    ...program.getSyntacticDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
  ];
  if (problems.length > 0)
    throw new Error(
      `the generated declarations do not compile: ${ts.flattenDiagnosticMessageText(problems[0]!.messageText, " ")}`,
    );
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(CHECK_FILE);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error("the drift check module did not compile");
  const exported = new Map(
    checker.getExportsOfModule(moduleSymbol).map((symbol) => [symbol.name, symbol]),
  );
  const type = (name: string): ts.Type => {
    const symbol = exported.get(name);
    if (!symbol) throw new Error(`the drift check module has no type ${name}`);
    return checker.getDeclaredTypeOfSymbol(symbol);
  };
  const fits = (from: string, to: string) => checker.isTypeAssignableTo(type(from), type(to));
  const schemas = new Map<string, Breaks>();
  plan.schemas.forEach((name, i) =>
    schemas.set(name, {
      readers: !fits(`S${i}_N`, `S${i}_O`),
      writers: !fits(`S${i}_O`, `S${i}_N`),
    }),
  );
  plan.requestSchemas.forEach((_, i) => fits(`requestSchemas${i}_O`, `requestSchemas${i}_N`));
  plan.responseSchemas.forEach((_, i) => fits(`responseSchemas${i}_N`, `responseSchemas${i}_O`));
  const operations = new Map<string, OperationVerdict>();
  plan.operations.forEach((id, i) => {
    const keys = [
      ...lostKeys(checker, type(`P${i}_O`), type(`P${i}_N`), "parameters"),
      ...lostKeys(checker, type(`B${i}_O`), type(`B${i}_N`), "body $"),
    ];
    operations.set(id, {
      requests: !fits(`P${i}_O`, `P${i}_N`) || !fits(`B${i}_O`, `B${i}_N`) || keys.length > 0,
      responses: !fits(`R${i}_N`, `R${i}_O`),
      keys,
    });
  });
  return { schemas, operations };
}

/** How deep lostKeys follows nested objects; Klaviyo's request bodies nest far less. */
const KEY_DEPTH = 24;

/**
 * The keys an object literal written to `before` may hold that `after` no longer takes: every property of
 * `before` (a union: of any member) whose value may be sent (not `never`/`undefined` only), looked up in every
 * object member of `after`, then inside its value, and inside array elements. A key found nowhere, and under
 * no string index signature, is lost; one found only as `?: never` became readOnly.
 */
function lostKeys(
  checker: ts.TypeChecker,
  before: ts.Type,
  after: ts.Type,
  where: string,
): { where: string; readOnly: boolean }[] {
  const out: { where: string; readOnly: boolean }[] = [];
  const seen = new Set<string>();
  const members = (t: ts.Type): ts.Type[] => {
    const all = t.isUnion() ? t.types : [t];
    return all.filter((m) => !(m.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
  };
  const isObjectLike = (t: ts.Type) =>
    (t.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) !== 0;
  const sendable = (t: ts.Type) => members(t).some((m) => !(m.flags & ts.TypeFlags.Never));
  const idOf = (t: ts.Type) => (t as unknown as { id: number }).id;
  const walk = (a: readonly ts.Type[], b: readonly ts.Type[], at: string, depth: number) => {
    if (depth > KEY_DEPTH) return;
    const pair = `${a.map(idOf).join(",")}:${b.map(idOf).join(",")}`;
    if (seen.has(pair)) return;
    seen.add(pair);
    const aMembers = a.flatMap(members).filter(isObjectLike);
    const bMembers = b.flatMap(members).filter(isObjectLike);
    if (aMembers.length === 0 || bMembers.length === 0) return;
    const isList = (m: ts.Type) => checker.isArrayType(m) || checker.isTupleType(m);
    const elements = (list: ts.Type[]) =>
      list.filter(isList).flatMap((m) => checker.getTypeArguments(m as ts.TypeReference));
    const aElements = elements(aMembers);
    if (aElements.length > 0) walk(aElements, elements(bMembers), `${at}[]`, depth + 1);
    const aObjects = aMembers.filter((m) => !isList(m));
    const bObjects = bMembers.filter((m) => !isList(m));
    if (aObjects.length === 0 || bObjects.length === 0) return;
    if (bObjects.some((m) => checker.getIndexInfoOfType(m, ts.IndexKind.String))) return;
    const names = new Set<string>();
    for (const m of aObjects) for (const p of checker.getPropertiesOfType(m)) names.add(p.name);
    const typesOf = (objects: ts.Type[], name: string) =>
      objects
        .map((m) => checker.getPropertyOfType(m, name))
        .filter((p): p is ts.Symbol => p !== undefined)
        .map((p) => checker.getTypeOfSymbol(p));
    for (const name of [...names].sort()) {
      const aTypes = typesOf(aObjects, name);
      if (!aTypes.some(sendable)) continue;
      const bTypes = typesOf(bObjects, name);
      const next = `${at}${segment(name)}`;
      if (bTypes.length === 0) out.push({ where: next, readOnly: false });
      else if (!bTypes.some(sendable)) out.push({ where: next, readOnly: true });
      else walk(aTypes, bTypes, next, depth + 1);
    }
  };
  walk([before], [after], where, 0);
  return out;
}

function segment(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}
