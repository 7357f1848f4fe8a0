/**
 * `node scripts/run.mjs <command> [options]`: runs one of the project's command lines (scripts/<command>.ts)
 * from the plain JavaScript bundle that scripts/build.ts makes in .cache/build/, so that no TypeScript
 * loader runs at start-up. When the bundle is missing, or any file it was built from has changed, it is
 * rebuilt first (about a second, once). Plain JavaScript itself: it is what starts before any build exists.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// KST_BUILD_DIR builds and runs the bundle in another folder (the tests use a temp one, never .cache/).
const buildDir = process.env.KST_BUILD_DIR
  ? resolve(process.env.KST_BUILD_DIR)
  : join(root, ".cache", "build");
const [command] = process.argv.splice(2, 1);

/** The current build, if it has this command and every source still has the hash it was built from. */
function currentBuild() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(buildDir, "current.json"), "utf8"));
  } catch {
    return undefined;
  }
  if (!Array.isArray(manifest.commands) || !manifest.commands.includes(command)) return undefined;
  for (const [file, hash] of Object.entries(manifest.sources ?? {})) {
    let actual = "(absent)";
    try {
      actual = createHash("sha256")
        .update(readFileSync(join(root, file)))
        .digest("hex");
    } catch {
      // a source that is gone: stale unless it was absent at build time too
    }
    if (actual !== hash) return undefined;
  }
  return manifest;
}

if (
  command === undefined ||
  !/^[a-z][a-z-]*$/.test(command) ||
  !existsSync(join(root, "scripts", `${command}.ts`))
) {
  process.stderr.write(
    `run: ${command === undefined ? "no command" : `no command "${command}"`}; usage: node scripts/run.mjs <command> [options], for scripts/<command>.ts\n`,
  );
  process.exit(2);
}
let build = currentBuild();
if (build === undefined) {
  const built = spawnSync(
    process.execPath,
    ["--import", "tsx", join(root, "scripts", "build.ts"), "--quiet"],
    {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, KST_BUILD_DIR: buildDir },
    },
  );
  if (built.status !== 0) {
    process.stderr.write(
      `${command}: internal error: could not build .cache/build/ (node --import tsx scripts/build.ts exited ${built.status ?? built.signal})\n`,
    );
    process.exit(70);
  }
  build = currentBuild();
  if (build === undefined) {
    process.stderr.write(
      `run: scripts/${command}.ts is not one of the bundled commands (COMMANDS in scripts/build.ts)\n`,
    );
    process.exit(2);
  }
}
await import(pathToFileURL(join(buildDir, build.dir, `${command}.mjs`)).href);
