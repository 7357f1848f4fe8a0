/**
 * The fast start: scripts/run.mjs runs generate from the bundle that scripts/build.ts makes (plain
 * JavaScript, prettier's standalone build, V8 code caches, a worker thread for formatting). It must give
 * the bytes of the pipeline run from source, in this process.
 */
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENTRY_FILE, generateFromFiles } from "../scripts/pipeline/generate.js";
import { readSchemaFolder } from "../scripts/pipeline/load.js";
import { runScript, snapshotFolder, tempDir } from "./helpers/cli.js";
import { UPSTREAM_SET, describeWithUpstream, hasUpstreamSet } from "./helpers/upstream.js";

function runBundled(args: string[]) {
  const run = spawnSync(process.execPath, ["scripts/run.mjs", "generate", ...args], {
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test("the bundled generate writes what the source pipeline makes for the embedded default", () => {
  const out = join(tempDir(), "generated");
  const run = runBundled(["--out", out, "--no-cache"]);
  expect(run.stderr).not.toContain("error");
  expect(run.status).toBe(0);
  // A new output folder counts as a change, so the drift summary line comes before the summary.
  expect(run.stdout).toMatch(
    /^drift: no schema changes → none \(HEAD:schemas → schemas\/; npm run diff for the report\)\ngenerate: 7 schemas → 3 files written to .*generated\/ in \d+\.\d+s\n$/,
  );
  expect(snapshotFolder(out)).toEqual(snapshotFolder("generated"));
  expect(JSON.parse(readFileSync(".cache/build/current.json", "utf8")).commands).toContain(
    "generate",
  );
});

test("run.mjs refuses a command that is not a script of the project", () => {
  const run = spawnSync(process.execPath, ["scripts/run.mjs", "no-such-command"], {
    encoding: "utf8",
  });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('no command "no-such-command"');
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
    expect(warm.stderr).toContain("(1193 reused from the cache)");
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
