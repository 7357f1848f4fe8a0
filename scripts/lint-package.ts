/** `npm run lint:package`: packs the package and runs attw and publint on the tarball. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommandLine, progress, runCli } from "./cli.js";
import { entrypoints, expectedFiles, lintTarball, packInto } from "./package/pack.js";

const HELP = `Usage: npm run lint:package

Packs the package with npm pack into a temporary folder, checks that the tarball holds exactly
CHANGELOG.md, LICENSE, README.md, package.json and every file in generated/, then runs
@arethetypeswrong/cli on every entry point (the root, package.json and each generated/tags/<slug>.d.ts)
and publint (--strict) on it. Exit 0 when all are clean, 1 otherwise.`;

async function main(): Promise<number> {
  if (parseCommandLine({}, HELP) === undefined) return 0;
  const dir = mkdtempSync(join(tmpdir(), "kst-pack-"));
  try {
    const packed = packInto(dir);
    const expected = expectedFiles();
    const extra = packed.files.filter((f) => !expected.includes(f));
    const missing = expected.filter((f) => !packed.files.includes(f));
    let ok = extra.length === 0 && missing.length === 0;
    progress(
      `lint:package: tarball holds ${packed.files.length} files${extra.length ? `; unexpected: ${extra.join(", ")}` : ""}${missing.length ? `; missing: ${missing.join(", ")}` : ""}`,
    );
    progress(`lint:package: entry points ${entrypoints().join(", ")}`);
    for (const result of lintTarball(packed.tarball)) {
      process.stdout.write(`${result.output}\n`);
      progress(`lint:package: ${result.tool} ${result.ok ? "clean" : "FAILED"}`);
      ok &&= result.ok;
    }
    process.stdout.write(`lint:package: ${ok ? "clean" : "problems found"}\n`);
    return ok ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runCli("lint:package", main);
