/**
 * The fast start: scripts/run.mjs runs generate from the bundle that scripts/build.ts makes (plain
 * JavaScript, prettier's standalone build, V8 code caches, a worker thread for formatting). It must give
 * the bytes of the pipeline run from source, in this process.
 *
 * The bundle is built into a temp folder (KST_BUILD_DIR), never the repository's .cache/build: the first
 * run here builds it from the current sources, as run.mjs does after any change. Every generate run uses
 * --no-cache or a temp cache folder.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ENTRY_FILE, generateFromFiles } from "../scripts/pipeline/generate.js";
import { readSchemaFolder } from "../scripts/pipeline/load.js";
import { runScript, snapshotFolder, tempDir } from "./helpers/cli.js";
import { UPSTREAM_SET, describeWithUpstream, hasUpstreamSet } from "./helpers/upstream.js";

// The bundle loads typescript and prettier from the nearest node_modules above it: link the project's in.
const BUILD_ROOT = tempDir("kst-build-");
symlinkSync(resolve("node_modules"), join(BUILD_ROOT, "node_modules"), "dir");
const BUILD_DIR = join(BUILD_ROOT, "build");

function runBundled(args: string[], command = "generate") {
  const run = spawnSync(process.execPath, ["scripts/run.mjs", command, ...args], {
    encoding: "utf8",
    env: { ...process.env, KST_BUILD_DIR: BUILD_DIR },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test("the bundled generate writes what the source pipeline makes for the embedded default", () => {
  const out = join(tempDir(), "generated");
  const run = runBundled(["--out", out, "--no-cache"]);
  // The build (--quiet) prints nothing; generate its progress line.
  expect(run.stderr).toBe(
    "generate: read 16 schema files from schemas/, resolved 16 $refs, emitted and formatted 13 schemas and 1 operation\n",
  );
  expect(run.status).toBe(0);
  // A new output folder counts as a change, so the drift summary line comes before the summary.
  expect(run.stdout).toMatch(
    /^drift: no operation or schema changes → none \(HEAD:schemas → schemas\/; npm run diff for the report\)\ngenerate: 13 schemas and 1 operation → 6 files written to .*generated\/ in \d+\.\d+s\n$/,
  );
  expect(snapshotFolder(out)).toEqual(snapshotFolder("generated"));
  // It ran from the bundle built in the temp folder.
  const manifest = JSON.parse(readFileSync(join(BUILD_DIR, "current.json"), "utf8"));
  expect(manifest.commands).toEqual(["generate", "diff"]);
  expect(existsSync(join(BUILD_DIR, manifest.dir, "generate.mjs"))).toBe(true);
});

test("run.mjs refuses a command that is not a script of the project", () => {
  expect(runBundled([], "no-such-command")).toEqual({
    status: 2,
    stdout: "",
    stderr:
      'run: no command "no-such-command"; usage: node scripts/run.mjs <command> [options], for scripts/<command>.ts\n',
  });
});

describeWithUpstream("catalog scale, on worker threads", UPSTREAM_SET, hasUpstreamSet, () => {
  let expected = "";
  beforeAll(async () => {
    expected = (await generateFromFiles(UPSTREAM_SET, readSchemaFolder(UPSTREAM_SET))).files.get(
      ENTRY_FILE,
    )!;
  });

  test("the bundled generate, one formatting thread", () => {
    const out = join(tempDir(), "generated");
    const run = runBundled([
      "--schemas",
      UPSTREAM_SET,
      "--out",
      out,
      "--no-cache",
      "--quiet",
      "--threads",
      "1",
    ]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(readFileSync(join(out, ENTRY_FILE), "utf8")).toBe(expected);
  });

  test("the bundled generate after one schema changed: the preloaded worker emits it, the rest comes from the cache", () => {
    const root = tempDir();
    const schemas = join(root, "schemas");
    cpSync(UPSTREAM_SET, schemas, { recursive: true });
    const cacheDir = join(root, "cache");
    expect(
      runBundled([
        "--schemas",
        schemas,
        "--out",
        join(root, "warm"),
        "--cache-dir",
        cacheDir,
        "--quiet",
        "--threads",
        "1",
      ]).status,
    ).toBe(0);
    const file = join(schemas, "klaviyo-postcatalogitemcreatejobresponse-schema.json");
    writeFileSync(
      file,
      JSON.stringify(
        { ...JSON.parse(readFileSync(file, "utf8")), description: "Changed for the test." },
        null,
        2,
      ),
    );
    const warm = runBundled([
      "--schemas",
      schemas,
      "--out",
      join(root, "warm"),
      "--cache-dir",
      cacheDir,
      "--threads",
      "1",
    ]);
    expect(warm.status).toBe(0);
    expect(warm.stderr).toMatch(
      new RegExp(
        `^generate: read 1194 schema files from ${schemas}/, resolved \\d+ \\$refs, emitted and formatted 1194 schemas \\(1193 reused from the cache\\)\n$`,
      ),
    );
    expect(
      runBundled(["--schemas", schemas, "--out", join(root, "cold"), "--no-cache", "--quiet"])
        .status,
    ).toBe(0);
    expect(snapshotFolder(join(root, "warm"))).toEqual(snapshotFolder(join(root, "cold")));
    expect(readFileSync(join(root, "warm", ENTRY_FILE), "utf8")).toContain("Changed for the test.");
  });

  test("from source under tsx, two formatting threads", () => {
    const out = join(tempDir(), "generated");
    const run = runScript("generate.ts", [
      "--schemas",
      UPSTREAM_SET,
      "--out",
      out,
      "--no-cache",
      "--quiet",
      "--threads",
      "2",
    ]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(readFileSync(join(out, ENTRY_FILE), "utf8")).toBe(expected);
  });
});
