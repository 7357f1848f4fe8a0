/**
 * The consumer-cost setup: the generated full-catalog package installed as a consumer would have it
 * (node_modules/klaviyo-schema-types with the project's package.json fields and the generated folder), and
 * small consumer projects that import no type, one type, or fifty, each with skipLibCheck on and off.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Consumer {
  /** e.g. "one type, skipLibCheck on" */
  label: string;
  imports: number;
  skipLibCheck: boolean;
  dir: string;
}

export const IMPORT_COUNTS = [0, 1, 50] as const;

/**
 * Lays out `root`/node_modules/<package> from `generatedDir` and one project per consumer under `root`.
 * `typeNames` are the package's exported aliases; the one-type consumer imports `oneType`; `counts` says
 * which consumers to make (how many types each imports).
 */
export function setUpConsumers(
  root: string,
  projectRoot: string,
  generatedDir: string,
  typeNames: readonly string[],
  oneType: string,
  counts: readonly number[] = IMPORT_COUNTS,
): Consumer[] {
  const manifest = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const name = String(manifest["name"]);
  const packageDir = join(root, "node_modules", name);
  mkdirSync(packageDir, { recursive: true });
  const fields = ["name", "version", "type", "types", "typings", "exports", "main", "sideEffects"];
  writeFileSync(
    join(packageDir, "package.json"),
    JSON.stringify(
      Object.fromEntries(fields.filter((f) => f in manifest).map((f) => [f, manifest[f]])),
      null,
      2,
    ) + "\n",
  );
  const typesEntry = String(manifest["types"] ?? "./generated/index.d.ts");
  const folder = typesEntry.replace(/^\.\//, "").split("/")[0]!;
  cpSync(generatedDir, join(packageDir, folder), { recursive: true });
  writeFileSync(join(root, "package.json"), '{ "type": "module", "private": true }\n');

  const fifty = spread(typeNames, 50);
  const consumers: Consumer[] = [];
  for (const skipLibCheck of [true, false]) {
    for (const imports of counts) {
      const names = imports === 0 ? [] : imports === 1 ? [oneType] : fifty;
      const dir = join(root, `imports-${imports}-skiplibcheck-${skipLibCheck ? "on" : "off"}`);
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
            },
            files: ["index.ts"],
          },
          null,
          2,
        ) + "\n",
      );
      writeFileSync(join(dir, "index.ts"), consumerSource(name, names));
      consumers.push({
        label: `${imports === 0 ? "no import" : imports === 1 ? "one type" : `${imports} types`}, skipLibCheck ${skipLibCheck ? "on" : "off"}`,
        imports,
        skipLibCheck,
        dir,
      });
    }
  }
  return consumers;
}

/** A consumer that uses each imported type the way code does: a value annotated with it. */
function consumerSource(packageName: string, names: readonly string[]): string {
  if (names.length === 0) return "export const ready: boolean = true;\n";
  return [
    `import type { ${names.join(", ")} } from ${JSON.stringify(packageName)};`,
    ...names.map((n, i) => `export declare const value${i}: ${n};`),
    `export function first(value: ${names[0]}): ${names[0]} {`,
    "  return value;",
    "}",
    "",
  ].join("\n");
}

/** `count` names spread evenly over the list. */
function spread(names: readonly string[], count: number): string[] {
  if (names.length <= count) return [...names];
  return Array.from({ length: count }, (_, i) => names[Math.floor((i * names.length) / count)]!);
}
