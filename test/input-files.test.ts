/**
 * The files of a schema folder as files: a byte-order mark before a syntax error, symbolic links (one that
 * leaves the folder is refused without reading its target) and folders named *.json. Each bad case gives its
 * exact one-line error, in-process and through the CLI (exit 1, the output folder byte for byte as it was).
 */
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SchemaError } from "../scripts/pipeline/errors.js";
import { findJsonSyntaxProblem, parseJsonText } from "../scripts/pipeline/json-position.js";
import { listSchemaFiles, parseSchemaFiles, readSchemaFolder } from "../scripts/pipeline/load.js";
import { openFolderSource } from "../scripts/sync/sources/folder.js";
import {
  copyFolder,
  runScript,
  snapshotFolder,
  tempDir as newTempDir,
  writeSchemaFolder,
} from "./helpers/cli.js";

const made: string[] = [];
/** A new folder in the system's temp folder, removed after the tests. */
function tempDir(): string {
  const dir = newTempDir();
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const BOM = "\uFEFF";
const ok = (name: string) => JSON.stringify({ title: name, type: "string" }, null, 2) + "\n";

/** What a call throws, as `SchemaError: message`, so that a test compares the whole line. */
function thrown(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof SchemaError
      ? `SchemaError: ${error.message}`
      : `not a SchemaError: ${String(error)}`;
  }
  return "nothing thrown";
}

/** Runs generate on `schemas` into a copy of the committed output; the output must stay byte for byte. */
function generateFails(root: string, schemas: string): { status: number | null; stderr: string } {
  const out = copyFolder("generated", join(root, "generated"));
  const before = snapshotFolder(out);
  const entriesBefore = readdirSync(root).sort();
  const run = runScript("generate.ts", [
    "--schemas",
    schemas,
    "--out",
    out,
    "--no-cache",
    "--no-drift",
    "--quiet",
  ]);
  expect(snapshotFolder(out)).toEqual(before);
  expect(readdirSync(root).sort()).toEqual(entriesBefore); // no staging folder left behind
  return { status: run.status, stderr: run.stderr };
}

describe("a file that starts with a byte-order mark", () => {
  test("a syntax error is reported at its line:column, as an editor shows it (the mark not counted)", () => {
    const text = BOM + '{\n  "title": "B",\n}\n';
    expect(thrown(() => parseJsonText("b.json", text))).toBe(
      `SchemaError: b.json:3:1: malformed JSON: expected a property name in double quotes, found "}"`,
    );
    // On the first line the column is the same as without the mark.
    expect(thrown(() => parseJsonText("b.json", BOM + '{"title": "B",}'))).toBe(
      `SchemaError: b.json:1:15: malformed JSON: expected a property name in double quotes, found "}"`,
    );
    expect(thrown(() => parseJsonText("b.json", '{"title": "B",}'))).toBe(
      `SchemaError: b.json:1:15: malformed JSON: expected a property name in double quotes, found "}"`,
    );
  });

  test("findJsonSyntaxProblem: the offset is into the text as given, line and column skip the mark", () => {
    expect(findJsonSyntaxProblem(BOM + "{,}")).toEqual({
      offset: 2,
      line: 1,
      column: 2,
      message: `expected a property name in double quotes, found ","`,
    });
    expect(findJsonSyntaxProblem(BOM + '{"a": 1}')).toBeUndefined();
    expect(findJsonSyntaxProblem(BOM + BOM + "{}")).toEqual({
      offset: 1,
      line: 1,
      column: 1,
      message: `unexpected "${BOM}"`,
    });
  });

  test("a valid file with the mark still parses", () => {
    expect(parseJsonText("a.json", BOM + '{"title": "A"}')).toEqual({ title: "A" });
  });

  test("in-process: the loader reports the file's real line:column", () => {
    const dir = join(tempDir(), "schemas");
    mkdirSync(dir);
    writeFileSync(join(dir, "a.json"), ok("A"));
    writeFileSync(
      join(dir, "b.json"),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{\n  "title": "B",\n}\n')]),
    );
    expect(thrown(() => parseSchemaFiles(dir, readSchemaFolder(dir)))).toBe(
      `SchemaError: ${dir}/b.json:3:1: malformed JSON: expected a property name in double quotes, found "}"`,
    );
  });

  test("the CLI: one line, exit 1, output untouched", () => {
    const root = tempDir();
    const schemas = join(root, "schemas");
    mkdirSync(schemas);
    writeFileSync(join(schemas, "a.json"), ok("A"));
    writeFileSync(
      join(schemas, "b.json"),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{\n  "title": "B",\n}\n')]),
    );
    const run = generateFails(root, schemas);
    expect(run).toEqual({
      status: 1,
      stderr: `generate: error: ${schemas}/b.json:3:1: malformed JSON: expected a property name in double quotes, found "}"\n`,
    });
  });
});

describe("symbolic links in the schema folder", () => {
  /** root/schemas with a.json, and root/outside/secret.json, which is malformed so that reading it would show. */
  function folderWithOutside(): { root: string; schemas: string; secret: string } {
    const root = tempDir();
    const schemas = writeSchemaFolder(join(root, "schemas"), { "a.json": ok("A") });
    const secret = join(root, "outside", "secret.json");
    writeSchemaFolder(join(root, "outside"), { "secret.json": "TOP SECRET, not JSON\n" });
    return { root, schemas, secret };
  }

  const outsideMessage = (schemas: string, file: string) =>
    `SchemaError: ${schemas}/${file}: is a link to a file outside the schema folder, which is not part of the set`;

  test.each([
    ["a relative link", (_schemas: string, _secret: string) => "../outside/secret.json"],
    ["an absolute link", (_schemas: string, secret: string) => secret],
    [
      "a link through a link (not *.json) in the folder",
      (schemas: string, _secret: string) => {
        symlinkSync("../outside/secret.json", join(schemas, "hop.link"));
        return "hop.link";
      },
    ],
  ])("%s out of the folder is refused, naming the link only", (_name, target) => {
    const { schemas, secret } = folderWithOutside();
    symlinkSync(target(schemas, secret), join(schemas, "x.json"));
    expect(thrown(() => listSchemaFiles(schemas))).toBe(outsideMessage(schemas, "x.json"));
    expect(thrown(() => readSchemaFolder(schemas))).toBe(outsideMessage(schemas, "x.json"));
    // sync's folder source lists the folder the same way.
    expect(thrown(() => openFolderSource(schemas, { timeoutMs: 1000, maxBytes: 1 << 20 }))).toBe(
      outsideMessage(schemas, "x.json"),
    );
  });

  test("of two bad links, the first by name is reported", () => {
    const { schemas } = folderWithOutside();
    symlinkSync("../outside/secret.json", join(schemas, "y.json"));
    symlinkSync("../outside/secret.json", join(schemas, "x.json"));
    expect(thrown(() => listSchemaFiles(schemas))).toBe(outsideMessage(schemas, "x.json"));
  });

  test("a link that cannot be followed is refused", () => {
    const { schemas } = folderWithOutside();
    symlinkSync("../outside/missing.json", join(schemas, "x.json"));
    expect(thrown(() => listSchemaFiles(schemas))).toBe(
      `SchemaError: ${schemas}/x.json: is a link that cannot be followed (ENOENT)`,
    );
    symlinkSync("loop.json", join(schemas, "loop.json"));
    expect(thrown(() => listSchemaFiles(schemas))).toBe(
      `SchemaError: ${schemas}/loop.json: is a link that cannot be followed (ELOOP)`,
    );
  });

  test("a link whose real path stays inside the folder is read as the file it points at", () => {
    const root = tempDir();
    const real = writeSchemaFolder(join(root, "real"), { "a.json": ok("A") });
    writeSchemaFolder(join(real, "store"), { "b.json": ok("B") });
    symlinkSync("store/b.json", join(real, "b.json"));
    // Out and back in: the real path is what counts, not the spelling.
    symlinkSync("../real/store/b.json", join(real, "c.json"));
    // The folder itself through a link: its files are inside its real path.
    symlinkSync("real", join(root, "linked"));
    const linked = join(root, "linked");
    expect(listSchemaFiles(linked)).toEqual(["a.json", "b.json", "c.json"]);
    expect(readSchemaFolder(linked).map((f) => [f.path, f.text])).toEqual([
      [`${linked}/a.json`, ok("A")],
      [`${linked}/b.json`, ok("B")],
      [`${linked}/c.json`, ok("B")],
    ]);
    // Two names for one file are two files declaring the same schema.
    expect(thrown(() => parseSchemaFiles(linked, readSchemaFolder(linked)))).toBe(
      `SchemaError: ${linked}/c.json: schema name "B" is also declared by ${linked}/b.json`,
    );
  });

  test("the CLI: one line naming the link, exit 1, output untouched, the target never quoted", () => {
    const { root, schemas } = folderWithOutside();
    symlinkSync("../outside/secret.json", join(schemas, "x.json"));
    const run = generateFails(root, schemas);
    expect(run).toEqual({
      status: 1,
      stderr: `generate: error: ${schemas}/x.json: is a link to a file outside the schema folder, which is not part of the set\n`,
    });
  });
});

describe("folders named *.json", () => {
  test("are not schema files: left out, and alone they leave the folder empty", () => {
    const root = tempDir();
    const schemas = writeSchemaFolder(join(root, "schemas"), { "a.json": ok("A") });
    mkdirSync(join(schemas, "d.json"));
    writeFileSync(join(schemas, "d.json", "inner.json"), ok("Inner"));
    symlinkSync("d.json", join(schemas, "e.json")); // a link to a folder inside
    expect(listSchemaFiles(schemas)).toEqual(["a.json"]);
    expect(readSchemaFolder(schemas).map((f) => f.fileName)).toEqual(["a.json"]);

    const only = join(root, "only");
    mkdirSync(join(only, "d.json"), { recursive: true });
    expect(thrown(() => listSchemaFiles(only))).toBe(
      `SchemaError: ${only}: no *.json schema files in this folder`,
    );
  });

  test("the CLI generates from the files beside it", () => {
    const root = tempDir();
    const schemas = copyFolder("schemas", join(root, "schemas"));
    mkdirSync(join(schemas, "d.json"));
    const out = join(root, "out");
    const run = runScript("generate.ts", [
      "--schemas",
      schemas,
      "--out",
      out,
      "--no-cache",
      "--no-drift",
      "--quiet",
    ]);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    // The header names the folder by its own name ("schemas"), so the bytes are the committed ones.
    expect(snapshotFolder(out)).toEqual(snapshotFolder("generated"));
  });
});
