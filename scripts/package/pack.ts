/**
 * The published package as consumers get it: `npm pack` into a folder, and the linters that judge the
 * tarball (attw: do the types resolve in every module mode; publint: is package.json right).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { byCodeUnit } from "../pipeline/json.js";
import { listFiles } from "../pipeline/write.js";

const DOCS = ["CHANGELOG.md", "LICENSE", "README.md", "package.json"];

/**
 * What the tarball may hold: the docs a consumer reads, package.json, and every file generate wrote (which
 * `generate --check` keeps equal to what the schemas give), in code-unit order.
 */
export function expectedFiles(project = process.cwd()): string[] {
  return [...DOCS, ...listFiles(join(project, "generated")).map((f) => `generated/${f}`)].sort(
    byCodeUnit,
  );
}

/** The subpaths consumers import: the root, package.json, and one per tag entry (generated/tags/<slug>.d.ts). */
export function entrypoints(project = process.cwd()): string[] {
  const tags = join(project, "generated", "tags");
  const slugs = existsSync(tags)
    ? readdirSync(tags)
        .filter((f) => f.endsWith(".d.ts"))
        .map((f) => f.slice(0, -".d.ts".length))
        .sort(byCodeUnit)
    : [];
  return [".", "./package.json", ...slugs.map((slug) => `./${slug}`)];
}

export interface Packed {
  tarball: string;
  files: string[];
}

export function packInto(dir: string, project = process.cwd()): Packed {
  const run = spawnSync("npm", ["pack", "--json", "--pack-destination", dir], {
    cwd: project,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`npm pack failed: ${run.stderr.trim().split("\n").at(-1)}`);
  const [info] = JSON.parse(run.stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(dir, info!.filename), files: info!.files.map((f) => f.path).sort() };
}

export interface LintResult {
  tool: string;
  ok: boolean;
  output: string;
}

const bin = (name: string, project: string) => resolve(project, "node_modules", ".bin", name);

/**
 * attw and publint on the tarball; both must be clean. No rule is switched off. attw cannot list a wildcard
 * export's subpaths itself, so it is given every entry point.
 */
export function lintTarball(
  tarball: string,
  project = process.cwd(),
  entries: readonly string[] = entrypoints(project),
): LintResult[] {
  const tools: [string, string[]][] = [
    ["attw", [tarball, "--format", "ascii", "--entrypoints", ...entries]],
    // --strict: warnings fail too.
    ["publint", ["--strict", tarball]],
  ];
  return tools.map(([tool, args]) => {
    const run = spawnSync(bin(tool, project), args, {
      cwd: project,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    return { tool, ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
  });
}
