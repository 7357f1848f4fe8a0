/**
 * The published package as consumers get it: `npm pack` into a folder, and the linters that judge the
 * tarball (attw: do the types resolve in every module mode; publint: is package.json right).
 */
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

/** What the tarball may hold: the declarations, the docs a consumer reads, and package.json. */
export const EXPECTED_FILES = [
  "CHANGELOG.md",
  "LICENSE",
  "README.md",
  "generated/index.d.mts",
  "generated/index.d.ts",
  "generated/package.json",
  "package.json",
];

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

/** attw and publint on the tarball; both must be clean. No rule is switched off. */
export function lintTarball(tarball: string, project = process.cwd()): LintResult[] {
  const tools: [string, string[]][] = [
    ["attw", [tarball, "--format", "ascii"]],
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
