/**
 * The consumer-cost setup: the generated package installed as a consumer would have it
 * (node_modules/klaviyo-schema-types with the project's package.json fields and the generated folder), and
 * small consumer projects, each declaring what it imports from which entry (`{ specifier, names }`), with
 * skipLibCheck on or off. Also: which entries the generated folder has (the root, and one per Klaviyo tag
 * under tags/ when generate splits the output), and which named schema types each entry exports, read with
 * the compiler rather than from the text, so that any layout of the modules behind an entry works.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

/** Some named types from one entry of the package: `specifier` is what the consumer writes after `from`. */
export interface ConsumerImport {
  specifier: string;
  names: readonly string[];
  /**
   * The names are keys of the entry's `components["schemas"]`, not exports of their own: how a consumer
   * reads openapi-typescript's own output, which exports no alias per schema.
   */
  fromComponents?: boolean;
}

/** One consumer project, as the bench declares it. */
export interface ConsumerProject {
  /** The case id (without the operations prefix), e.g. "tsc-imports-1-skiplibcheck-on". */
  id: string;
  /** What it imports, e.g. "one type from the root (klaviyo-schema-types)". */
  label: string;
  /** Nothing for the baseline. The names must be distinct across imports. */
  imports: readonly ConsumerImport[];
  skipLibCheck: boolean;
}

export interface Consumer extends ConsumerProject {
  dir: string;
}

/** The package.json fields a consumer's resolver reads; the rest of the manifest does not matter to tsc. */
export const INSTALLED_FIELDS = [
  "name",
  "version",
  "type",
  "types",
  "typings",
  "typesVersions",
  "exports",
  "main",
  "sideEffects",
] as const;

/**
 * Lays out `root`/node_modules/<package> from `generatedDir` (the whole folder, subfolders included) with
 * the project's package.json fields, and a root package.json that makes the consumers ES modules.
 * Returns the package's name.
 */
export function installPackage(root: string, projectRoot: string, generatedDir: string): string {
  const manifest = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const name = String(manifest["name"]);
  const packageDir = join(root, "node_modules", name);
  mkdirSync(packageDir, { recursive: true });
  writeFileSync(
    join(packageDir, "package.json"),
    JSON.stringify(
      Object.fromEntries(
        INSTALLED_FIELDS.filter((f) => f in manifest).map((f) => [f, manifest[f]]),
      ),
      null,
      2,
    ) + "\n",
  );
  cpSync(generatedDir, join(packageDir, generatedFolderName(manifest)), { recursive: true });
  writeFileSync(join(root, "package.json"), '{ "type": "module", "private": true }\n');
  return name;
}

/**
 * Lays out `root`/node_modules/`name` holding one declaration file, `declarations`, as its index.d.ts: how the
 * bench installs a peer's output (openapi-typescript's single file) to compare consumers with.
 */
export function installDeclarationFile(root: string, name: string, declarations: string): void {
  const packageDir = join(root, "node_modules", name);
  mkdirSync(packageDir, { recursive: true });
  writeFileSync(
    join(packageDir, "package.json"),
    JSON.stringify({ name, version: "0.0.0", types: "./index.d.ts" }, null, 2) + "\n",
  );
  cpSync(declarations, join(packageDir, "index.d.ts"));
}

/** The folder of the package that holds the declarations: the first segment of its `types` path. */
export function generatedFolderName(manifest: Record<string, unknown>): string {
  const typesEntry = String(manifest["types"] ?? "./generated/index.d.ts");
  return typesEntry.replace(/^\.\//, "").split("/")[0]!;
}

/**
 * One project folder per consumer under `root` (where installPackage put the package). `compilerOptions`
 * are added to every tsconfig.json (the bench adds none; a test can make the default lib smaller).
 */
export function setUpConsumers(
  root: string,
  projects: readonly ConsumerProject[],
  compilerOptions: Record<string, unknown> = {},
): Consumer[] {
  return projects.map((project) => {
    const dir = join(root, project.id);
    writeProject(dir, project.skipLibCheck, consumerSource(project.imports), compilerOptions);
    return { ...project, dir };
  });
}

/** A folder with a tsconfig.json (strict, nodenext, no @types) that compiles `index.ts`, holding `source`. */
export function writeProject(
  dir: string,
  skipLibCheck: boolean,
  source: string,
  compilerOptions: Record<string, unknown> = {},
): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "es2022",
          module: "nodenext",
          moduleResolution: "nodenext",
          skipLibCheck,
          types: [],
          ...compilerOptions,
        },
        files: ["index.ts"],
      },
      null,
      2,
    ) + "\n",
  );
  const file = join(dir, "index.ts");
  writeFileSync(file, source);
  return file;
}

/** A consumer that uses each imported type the way code does: a value annotated with it. */
export function consumerSource(imports: readonly ConsumerImport[]): string {
  const names = imports.flatMap((i) => i.names);
  if (names.length === 0) return "export const ready: boolean = true;\n";
  if (new Set(names).size !== names.length)
    throw new Error(`bench: a consumer imports the same name twice: ${names.join(", ")}`);
  return [
    ...imports.flatMap((i, k) =>
      i.fromComponents
        ? [
            `import type { components as components${k} } from ${JSON.stringify(i.specifier)};`,
            ...i.names.map((n) => `type ${n} = components${k}["schemas"][${JSON.stringify(n)}];`),
          ]
        : [`import type { ${i.names.join(", ")} } from ${JSON.stringify(i.specifier)};`],
    ),
    ...names.map((n, i) => `export declare const value${i}: ${n};`),
    `export function first(value: ${names[0]}): ${names[0]} {`,
    "  return value;",
    "}",
    "",
  ].join("\n");
}

/** The tag entries of a generated folder (tags/<slug>.d.ts), by slug, sorted; none for a one-file output. */
export function tagSlugs(generatedDir: string): string[] {
  const dir = join(generatedDir, "tags");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".d.ts"))
    .map((f) => f.slice(0, -".d.ts".length))
    .sort();
}

/** Klaviyo's tag name as the entry's slug: lower case, each run of other characters a "-". */
export function tagSlug(tag: string): string {
  return tag
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/**
 * The named schema types each entry file exports: the exported type aliases whose name is a key of the
 * entry's `components["schemas"]` (so `paths`, `OperationId`, `RequestBody<Id>` and the like are left out),
 * sorted. One program for all the files, so modules they share are read once. Throws when an entry does not
 * resolve or exports no `components`.
 */
export function exportedSchemaTypes(entryFiles: readonly string[]): Map<string, string[]> {
  const program = ts.createProgram({
    rootNames: [...entryFiles],
    options: {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      noLib: true,
    },
  });
  const checker = program.getTypeChecker();
  const result = new Map<string, string[]>();
  for (const file of entryFiles) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`bench: ${file} is not a module`);
    const exports = checker.getExportsOfModule(moduleSymbol);
    const resolve = (s: ts.Symbol) =>
      s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    const components = exports.find((s) => s.name === "components");
    if (components === undefined) throw new Error(`bench: ${file} exports no components`);
    const schemas = checker.getDeclaredTypeOfSymbol(resolve(components)).getProperty("schemas");
    if (schemas === undefined) throw new Error(`bench: ${file}'s components has no schemas`);
    const schemaNames = new Set(
      checker
        .getTypeOfSymbol(schemas)
        .getProperties()
        .map((p) => p.name),
    );
    result.set(
      file,
      exports
        .filter((s) => schemaNames.has(s.name) && resolve(s).flags & ts.SymbolFlags.TypeAlias)
        .map((s) => s.name)
        .sort(),
    );
  }
  return result;
}

/**
 * `perTag` names from each of `count` tags, distinct across tags, spread evenly over each tag's sorted list:
 * the tags in `preferred` first (those the entries have), then the others in slug order. Deterministic.
 * Throws when there are fewer tags, or a tag has fewer names not already taken, than asked for.
 */
export function pickFromTags(
  typesByTag: ReadonlyMap<string, readonly string[]>,
  preferred: readonly string[],
  count: number,
  perTag: number,
): { tag: string; names: string[] }[] {
  const order = [
    ...preferred.filter((t) => typesByTag.has(t)),
    ...[...typesByTag.keys()].filter((t) => !preferred.includes(t)).sort(),
  ];
  if (order.length < count)
    throw new Error(`bench: ${count} tags wanted, the package has ${order.length}`);
  const taken = new Set<string>();
  return order.slice(0, count).map((tag) => {
    const free = typesByTag.get(tag)!.filter((n) => !taken.has(n));
    if (free.length < perTag)
      throw new Error(
        `bench: the ${tag} entry exports ${free.length} schema types not picked from another tag; ${perTag} wanted`,
      );
    const names = spread(free, perTag);
    for (const n of names) taken.add(n);
    return { tag, names };
  });
}

/** `count` names spread evenly over the list. */
export function spread(names: readonly string[], count: number): string[] {
  if (names.length <= count) return [...names];
  return Array.from({ length: count }, (_, i) => names[Math.floor((i * names.length) / count)]!);
}
