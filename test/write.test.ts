/**
 * The write stage survives a killed run: the real CLI kills itself with SIGKILL at each step of the write
 * (the test hook KLAVIYO_SCHEMA_TYPES_CRASH_AT in scripts/pipeline/write.ts), the leftover state is exactly
 * what write.ts promises, `--check` reports it and writes nothing, and the next run leaves the output folder
 * byte for byte a clean generate's, with nothing beside it.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  compareOutput,
  CRASH_POINTS,
  GENERATED_MARK,
  writeOutput,
  type CrashPoint,
} from "../scripts/pipeline/write.js";
import {
  copyFolder,
  snapshotFolder,
  tempDir as newTempDir,
  DEFAULT_GENERATED_FILES,
} from "./helpers/cli.js";

const HOOK = "KLAVIYO_SCHEMA_TYPES_CRASH_AT";
const ENTRY = "index.d.ts";

const made: string[] = [];
/** A new folder in the system's temp folder, removed after the tests. */
function tempDir(): string {
  const dir = newTempDir("kst-write-");
  made.push(dir);
  return dir;
}

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  pid: number;
  stdout: string;
  stderr: string;
}

/** The real generate CLI, cold (no cache is read or written), optionally killed by the hook at `crashAt`. */
function generate(
  schemas: string,
  out: string,
  options: { crashAt?: CrashPoint; check?: boolean } = {},
): Run {
  const env = { ...process.env };
  delete env[HOOK];
  if (options.crashAt !== undefined) env[HOOK] = options.crashAt;
  const args = ["--schemas", schemas, "--out", out, "--no-cache", "--no-drift", "--quiet"];
  const result = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(process.cwd(), "scripts", "generate.ts"),
      ...args,
      "--threads",
      "0",
      ...(options.check ? ["--check"] : []),
    ],
    { cwd: process.cwd(), encoding: "utf8", env },
  );
  return {
    status: result.status,
    signal: result.signal,
    pid: result.pid,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** Every file below `dir` with its bytes, and every folder name directly in it (empty ones too). */
function state(dir: string): { names: string[]; files: Record<string, string> } {
  return { names: readdirSync(dir).sort(), files: snapshotFolder(dir) };
}

/** The same, with the run's pid and time stamp in sibling names written as PID and MS. */
function normalized(dir: string, pid: number): { names: string[]; files: Record<string, string> } {
  const stamp = new RegExp(`^(\\.generated\\.(?:new|old))-${pid}-\\d+(/|$)`);
  const rename = (path: string) => path.replace(stamp, "$1-PID-MS$2");
  const { names, files } = state(dir);
  return {
    names: names.map(rename).sort(),
    files: Object.fromEntries(Object.entries(files).map(([path, bytes]) => [rename(path), bytes])),
  };
}

/** A folder's files placed under `prefix/`. */
function under(prefix: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).map(([path, bytes]) => [`${prefix}/${path}`, bytes]),
  );
}

let schemasA: string; // the schemas the previous output was generated from
let schemasB: string; // the schemas of the run that is killed: one description differs
let outputA: Record<string, string>;
let outputB: Record<string, string>;

beforeAll(() => {
  // The jest process itself must never crash; only the children it starts get the hook.
  delete process.env[HOOK];
  const root = tempDir();
  schemasA = copyFolder("schemas", join(root, "a", "schemas"));
  schemasB = copyFolder("schemas", join(root, "b", "schemas"));
  const changed = join(schemasB, "klaviyo-objectlinks-schema.json");
  const schema = JSON.parse(readFileSync(changed, "utf8"));
  schema.properties.self.description = "Changed for the write test.";
  writeFileSync(changed, JSON.stringify(schema, null, 2) + "\n");

  for (const [schemas, out] of [
    [schemasA, join(root, "clean-a")],
    [schemasB, join(root, "clean-b")],
  ] as const) {
    const run = generate(schemas, out);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
  }
  outputA = snapshotFolder(join(root, "clean-a"));
  outputB = snapshotFolder(join(root, "clean-b"));
  // The two outputs differ in the entry file (its header's digest) and in the shared module that holds
  // ObjectLinks, so a restored old output is told from a new one.
  expect(Object.keys(outputA)).toEqual(DEFAULT_GENERATED_FILES);
  expect(Object.keys(outputB)).toEqual(Object.keys(outputA));
  expect(outputB[ENTRY]).not.toBe(outputA[ENTRY]);
  expect(outputB["index.d.mts"]).toBe(outputA["index.d.mts"]);
  expect(outputB["package.json"]).toBe(outputA["package.json"]);
  expect(outputB["shared/catalogs.d.ts"]).not.toBe(outputA["shared/catalogs.d.ts"]);
});

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A temp folder holding `generated/`, the output of schemasA, as the previous output. */
function withPreviousOutput(): { dir: string; out: string } {
  const dir = tempDir();
  const out = join(dir, "generated");
  mkdirSync(out);
  for (const [file, bytes] of Object.entries(outputA)) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    writeFileSync(join(out, file), Buffer.from(bytes, "base64"));
  }
  return { dir, out };
}

/** The files of outputA that differ in outputB, each with its first differing line. */
function differences(): { file: string; line: number }[] {
  return Object.keys(outputA)
    .filter((file) => outputA[file] !== outputB[file])
    .map((file) => {
      const [a, b] = [outputA[file]!, outputB[file]!].map((base64) =>
        Buffer.from(base64, "base64").toString("utf8").split("\n"),
      );
      return { file, line: a!.findIndex((line, i) => line !== b![i]) + 1 };
    });
}

/** What --check lists when <out> holds outputA and the schemas give outputB. */
function differing(out: string): string[] {
  return differences().map(({ file, line }) => `${out}/${file}: differs from line ${line}`);
}

const NEW = ".generated.new-PID-MS";
const OLD = ".generated.old-PID-MS";

/** What each crash leaves: folder names and files, and the differences `--check` then lists. */
const AFTER_CRASH: Record<
  CrashPoint,
  () => { names: string[]; files: Record<string, string>; check: (out: string) => string[] }
> = {
  "mid-staging": () => ({
    names: [NEW, "generated"],
    files: { ...under(NEW, { [ENTRY]: outputB[ENTRY]! }), ...under("generated", outputA) },
    check: differing,
  }),
  "after-staging": () => ({
    names: [NEW, "generated"],
    files: { ...under(NEW, outputB), ...under("generated", outputA) },
    check: differing,
  }),
  "after-retire": () => ({
    names: [NEW, OLD],
    files: { ...under(NEW, outputB), ...under(OLD, outputA) },
    check: (out) => Object.keys(outputB).map((file) => `${out}/${file}: missing`),
  }),
  "after-swap": () => ({
    names: [OLD, "generated"],
    files: { ...under(OLD, outputA), ...under("generated", outputB) },
    check: () => [],
  }),
  "mid-cleanup": () => ({
    names: [OLD, "generated"],
    files: { ...under(OLD, { [ENTRY]: outputA[ENTRY]! }), ...under("generated", outputB) },
    check: () => [],
  }),
};

describe.each(CRASH_POINTS)("a run killed at %s", (point) => {
  test("leaves what write.ts promises; --check reports it and writes nothing; the next run finishes it", () => {
    const { dir, out } = withPreviousOutput();
    const crashed = generate(schemasB, out, { crashAt: point });
    expect({ status: crashed.status, signal: crashed.signal }).toEqual({
      status: null,
      signal: "SIGKILL",
    });
    const expected = AFTER_CRASH[point]();
    expect(normalized(dir, crashed.pid)).toEqual({ names: expected.names, files: expected.files });

    const before = state(dir);
    const check = generate(schemasB, out, { check: true });
    const siblings = before.names.filter((name) => name !== "generated");
    const listed = [
      ...expected.check(out),
      ...siblings.map((name) => `${out}/../${name}: left by an interrupted run`),
    ];
    expect({ status: check.status, signal: check.signal, stdout: check.stdout }).toEqual({
      status: 1,
      signal: null,
      stdout:
        listed.map((line) => `  ${line}\n`).join("") +
        `generate --check: ${out}/ is stale (${listed.length} of the files differ); run npm run generate\n`,
    });
    expect(state(dir)).toEqual(before);

    const again = generate(schemasB, out);
    expect({ status: again.status, signal: again.signal, stderr: again.stderr }).toEqual({
      status: 0,
      signal: null,
      stderr: "",
    });
    expect(state(dir)).toEqual({ names: ["generated"], files: under("generated", outputB) });
  });
});

test("killed while staging the first output ever: no output yet, and the next run writes it", () => {
  const dir = tempDir();
  const out = join(dir, "generated");
  const crashed = generate(schemasB, out, { crashAt: "after-staging" });
  expect(crashed.signal).toBe("SIGKILL");
  expect(normalized(dir, crashed.pid)).toEqual({ names: [NEW], files: under(NEW, outputB) });
  const again = generate(schemasB, out);
  expect(again.status).toBe(0);
  expect(state(dir)).toEqual({ names: ["generated"], files: under("generated", outputB) });
});

test("after a crash between the renames, a run that fails on bad input changes nothing", () => {
  const { dir, out } = withPreviousOutput();
  const crashed = generate(schemasB, out, { crashAt: "after-retire" });
  expect(crashed.signal).toBe("SIGKILL");
  const before = state(dir);
  const bad = join(tempDir(), "schemas");
  mkdirSync(bad);
  writeFileSync(join(bad, "a.json"), '{ "title": "A", }\n');
  const failed = generate(bad, out);
  expect({ status: failed.status, stderr: failed.stderr }).toEqual({
    status: 1,
    stderr: `generate: error: ${bad}/a.json:1:17: malformed JSON: expected a property name in double quotes, found "}"\n`,
  });
  expect(state(dir)).toEqual(before);
  const again = generate(schemasB, out);
  expect(again.status).toBe(0);
  expect(state(dir)).toEqual({ names: ["generated"], files: under("generated", outputB) });
});

test("after a crash between the renames, a write that fails leaves the previous output restored", () => {
  const { dir, out } = withPreviousOutput();
  const crashed = generate(schemasB, out, { crashAt: "after-retire" });
  expect(crashed.signal).toBe("SIGKILL");
  // A file and a folder of the same name: the staging write fails after the entry file.
  const failing = new Map([
    [ENTRY, `${GENERATED_MARK} new\n`],
    [`${ENTRY}/inner.d.ts`, "export {};\n"],
  ]);
  let code: string | undefined;
  try {
    writeOutput(out, failing);
  } catch (error) {
    code = (error as NodeJS.ErrnoException).code;
  }
  expect(code).toBe("EEXIST");
  expect(state(dir)).toEqual({ names: ["generated"], files: under("generated", outputA) });
});

test("siblings that are not ours are left alone, and --check does not list them", () => {
  const { dir, out } = withPreviousOutput();
  const keep = (name: string) => join(dir, name);
  // Our naming pattern, but not ours: other files, a link, an entry file generate did not write.
  mkdirSync(keep(".generated.old-1-2"));
  writeFileSync(join(keep(".generated.old-1-2"), "notes.txt"), "keep me\n");
  mkdirSync(keep("elsewhere"));
  writeFileSync(join(keep("elsewhere"), ENTRY), `${GENERATED_MARK}\n`);
  symlinkSync("elsewhere", keep(".generated.new-1-3"));
  mkdirSync(keep(".generated.new-1-4"));
  writeFileSync(join(keep(".generated.new-1-4"), ENTRY), "// mine\n");
  // Not our naming pattern.
  mkdirSync(keep(".generated.old-x"));
  writeFileSync(join(keep(".generated.old-x"), ENTRY), `${GENERATED_MARK}\n`);
  // Ours: an empty staging folder, a staging folder holding an entry file cut short, a retired output.
  mkdirSync(keep(".generated.new-1-5"));
  mkdirSync(keep(".generated.new-1-6"));
  writeFileSync(join(keep(".generated.new-1-6"), ENTRY), GENERATED_MARK.slice(0, 9));
  copyFolder(out, keep(".generated.old-1-7"));

  const files = new Map(
    Object.entries(outputB).map(([file, bytes]) => [
      file,
      Buffer.from(bytes, "base64").toString("utf8"),
    ]),
  );
  expect(compareOutput(out, files)).toEqual([
    ...differences().map(({ file, line }) => ({ file, problem: "differs", line })),
    { file: "../.generated.new-1-5", problem: "left by an interrupted run" },
    { file: "../.generated.new-1-6", problem: "left by an interrupted run" },
    { file: "../.generated.old-1-7", problem: "left by an interrupted run" },
  ]);
  const foreign = [
    ".generated.new-1-3",
    ".generated.new-1-4",
    ".generated.old-1-2",
    ".generated.old-x",
  ];
  const foreignBefore = Object.fromEntries(foreign.map((name) => [name, state(keep(name))]));
  writeOutput(out, files);
  expect(readdirSync(dir).sort()).toEqual([...foreign, "elsewhere", "generated"].sort());
  expect(Object.fromEntries(foreign.map((name) => [name, state(keep(name))]))).toEqual(
    foreignBefore,
  );
  expect(snapshotFolder(out)).toEqual(outputB);
  expect(compareOutput(out, files)).toEqual([]);
});
