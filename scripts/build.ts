/**
 * `npm run build` (or automatically, from scripts/run.mjs): bundles the command lines into plain JavaScript
 * in .cache/build/, so that they start without a TypeScript loader. The folder is ignored and safe to delete.
 *
 * - Each build goes to its own folder named by the hash of everything it was built from, and
 *   .cache/build/current.json names it, with the hash of each project source it was built from (run.mjs
 *   compares them to decide whether to rebuild). A half-written build is never current.
 * - TypeScript stays in node_modules and is loaded as CommonJS, through a V8 code cache kept in the
 *   build's folder (scripts/code-cache.ts): importing its 9 MB file as an ES module costs Node ~0.3 s more,
 *   to scan it for export names, and compiling it another ~0.1 s.
 * - openapi-typescript is bundled from the modules the emitter uses, without its redocly lint-and-bundle
 *   entry (see emit.ts), which is most of its load time.
 * - prettier stays in node_modules, loaded (where a run formats something) as its standalone build with
 *   the plugins its parser needs, through the same code cache. Its output is the same; the tests compare.
 * - The build's hash is baked in as the pipeline version that the generate cache keys on (cache.ts).
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build, version as esbuildVersion, type Plugin } from "esbuild";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/**
 * KST_BUILD_DIR puts the build elsewhere, e.g. a temp folder for the tests (run.mjs passes it on, absolute).
 * The bundle loads typescript and prettier from the nearest node_modules above it, so that folder must see the
 * project's (the tests link it in beside the build folder).
 */
export const BUILD_DIR = process.env["KST_BUILD_DIR"]
  ? resolve(process.env["KST_BUILD_DIR"])
  : join(ROOT, ".cache", "build");
/** Command lines that run.mjs can start from the build: scripts/<name>.ts. */
export const COMMANDS = ["generate", "diff"];
/** Other entry points: worker threads. */
const WORKERS = { "pool-worker": "scripts/pipeline/pool-worker.ts" };
const VERSION_PLACEHOLDER = "__kst_build_version_placeholder_0123456789abcdef0123456789abcdef__";

const HELP = `Usage: npm run build -- [--quiet]

Bundles the command lines (${COMMANDS.join(", ")}) into plain JavaScript in .cache/build/<hash>/ and points
.cache/build/current.json at it. scripts/run.mjs does this by itself when a source changed.`;

export interface BuildManifest {
  version: string;
  dir: string;
  commands: string[];
  /** Project files the build depends on (not node_modules: package-lock.json stands for those), by sha256. */
  sources: Record<string, string>;
}

export async function buildCommands(): Promise<BuildManifest> {
  const entryPoints: Record<string, string> = { ...WORKERS };
  for (const command of COMMANDS) entryPoints[command] = `scripts/${command}.ts`;
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    splitting: true,
    outdir: "out",
    entryNames: "[name]",
    chunkNames: "[name]-[hash]",
    outExtension: { ".js": ".mjs" },
    // Bundled CommonJS code calls require(); so does the typescript shim, under a name esbuild leaves alone.
    banner: {
      js: 'import { createRequire as __kstCreateRequire } from "node:module";\nconst __kstRequire = __kstCreateRequire(import.meta.url);\nconst require = __kstRequire;',
    },
    define: { __KST_BUILD_VERSION__: JSON.stringify(VERSION_PLACEHOLDER) },
    plugins: [nodeModulesShims()],
    metafile: true,
    write: false,
    logLevel: "warning",
  });

  const inputs = Object.keys(result.metafile.inputs).sort();
  // TypeScript and prettier are loaded from node_modules at run time: the lockfile stands for their versions.
  const hash = createHash("sha256")
    .update(`esbuild ${esbuildVersion}\0`)
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(sha256File(join(ROOT, "package-lock.json")));
  for (const input of inputs) {
    hash.update(input).update("\0");
    if (!input.includes(":")) hash.update(readFileSync(join(ROOT, input))).update("\0");
  }
  const version = hash.digest("hex");
  const dir = version.slice(0, 16);
  const sources: Record<string, string> = {};
  for (const file of [
    ...inputs.filter((i) => !i.includes(":") && !i.startsWith("node_modules/")),
    "package-lock.json",
    relative(ROOT, fileURLToPath(import.meta.url)),
  ]) {
    sources[file] = sha256File(join(ROOT, file));
  }
  const manifest: BuildManifest = { version, dir, commands: COMMANDS, sources };

  const target = join(BUILD_DIR, dir);
  if (!existsSync(target)) {
    const staging = join(BUILD_DIR, `.${dir}.${process.pid}-${Date.now()}`);
    try {
      for (const file of result.outputFiles) {
        const path = join(staging, relative(join(ROOT, "out"), file.path));
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.text.replaceAll(VERSION_PLACEHOLDER, version));
      }
      try {
        renameSync(staging, target);
      } catch (error) {
        if (!existsSync(target)) throw error; // another process built the same just now
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const temporary = join(BUILD_DIR, `current.json.${process.pid}-${Date.now()}`);
  writeFileSync(temporary, JSON.stringify(manifest, null, 2) + "\n");
  renameSync(temporary, join(BUILD_DIR, "current.json"));
  pruneBuilds(dir);
  return manifest;
}

/**
 * `typescript` and `prettier` from node_modules through a V8 code cache (scripts/code-cache.ts; prettier as
 * its standalone build with the plugins a parser needs), `openapi-typescript` without its redocly entry.
 */
function nodeModulesShims(): Plugin {
  const codeCache = JSON.stringify(join(ROOT, "scripts", "code-cache.ts"));
  const cacheDir = 'fileURLToPath(new URL("./v8/", import.meta.url))';
  return {
    name: "kst-node-modules-shims",
    setup(esbuild) {
      esbuild.onResolve({ filter: /^(typescript|openapi-typescript|prettier)$/ }, (args) => ({
        path: args.path,
        namespace: "kst",
      }));
      esbuild.onLoad({ filter: /^typescript$/, namespace: "kst" }, () => ({
        resolveDir: ROOT,
        loader: "js",
        contents: [
          `import { requireWithCodeCache } from ${codeCache};`,
          'import { fileURLToPath } from "node:url";',
          `export default requireWithCodeCache(__kstRequire.resolve("typescript"), ${cacheDir});`,
        ].join("\n"),
      }));
      esbuild.onLoad({ filter: /^prettier$/, namespace: "kst" }, () => ({
        resolveDir: ROOT,
        loader: "js",
        contents: [
          `import { requireWithCodeCache } from ${codeCache};`,
          'import { dirname, join } from "node:path";',
          'import { fileURLToPath } from "node:url";',
          'const dir = dirname(__kstRequire.resolve("prettier/package.json"));',
          `const cache = ${cacheDir};`,
          "const load = (file) => requireWithCodeCache(join(dir, file), cache);",
          'const PLUGINS = { babel: ["plugins/babel.js"], "babel-ts": ["plugins/babel.js"], typescript: ["plugins/typescript.js"] };',
          "const loaded = new Map();",
          "let standalone;",
          "export function format(text, options) {",
          '  standalone ??= load("standalone.js");',
          "  const files = PLUGINS[options.parser];",
          "  if (files === undefined) throw new Error(`prettier shim: no plugins listed for the parser ${options.parser}`);",
          '  const plugins = [...files, "plugins/estree.js"].map((file) => loaded.get(file) ?? loaded.set(file, load(file)).get(file));',
          "  return standalone.format(text, { ...options, plugins });",
          "}",
        ].join("\n"),
      }));
      esbuild.onLoad({ filter: /^openapi-typescript$/, namespace: "kst" }, () => {
        const dist = join(ROOT, "node_modules", "openapi-typescript", "dist");
        return {
          resolveDir: dist,
          loader: "js",
          contents: [
            'export { addJSDocComment, astToString, tsLiteral, tsModifiers, tsPropertyIndex, tsUnion } from "./lib/ts.mjs";',
            'export { createRef, resolveRef } from "./lib/utils.mjs";',
            'export { default as transformSchemaObject } from "./transform/schema-object.mjs";',
            'export { default as transformOperationObject } from "./transform/operation-object.mjs";',
            'export { default as transformResponseObject } from "./transform/response-object.mjs";',
            'export { default as transformParameterObject } from "./transform/parameter-object.mjs";',
            'export { default as transformRequestBodyObject } from "./transform/request-body-object.mjs";',
            'export { default as transformHeaderObject } from "./transform/header-object.mjs";',
          ].join("\n"),
        };
      });
    },
  };
}

function sha256File(path: string): string {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return "(absent)";
  }
}

/** Older builds go once no run can still be loading them. */
function pruneBuilds(keep: string): void {
  const hourAgo = Date.now() - 60 * 60 * 1000;
  for (const entry of readdirSync(BUILD_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep) continue;
    const path = join(BUILD_DIR, entry.name);
    try {
      if (statSync(path).mtimeMs < hourAgo) rmSync(path, { recursive: true, force: true });
    } catch {
      // another build removed it first
    }
  }
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`build: error: ${(error as Error).message} (see --help)\n`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    process.stdout.write(HELP + "\n");
    return;
  }
  const started = performance.now();
  const manifest = await buildCommands();
  if (!values.quiet) {
    process.stdout.write(
      `build: ${manifest.commands.join(", ")} → .cache/build/${manifest.dir}/ in ${((performance.now() - started) / 1000).toFixed(2)}s\n`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `build: error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
