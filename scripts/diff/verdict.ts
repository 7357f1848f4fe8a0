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
