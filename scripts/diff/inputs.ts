/**
 * The I/O edge of the drift report: one side of a comparison, named on the command line, → schema files.
 * A side is a folder in the per-file layout, an OpenAPI document (a `*.json` file with a top-level
 * `openapi`), or a git revision whose `<schemas-path>/*.json` is read with `git ls-tree` and `git cat-file`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { tidyPath } from "../paths.js";
import { SchemaError } from "../pipeline/errors.js";
import { parseJsonText } from "../pipeline/json-position.js";
import { byCodeUnit, isObject } from "../pipeline/json.js";
import { readSchemaFolder, type SchemaFile } from "../pipeline/load.js";
import { splitOpenApiLayout } from "../pipeline/openapi-split.js";

export interface Side {
  /** How the side reads in a report, e.g. `HEAD:schemas`, `schemas/`, `openapi.json`. */
  label: string;
  kind: "folder" | "openapi" | "git";
  /** The `dir` for parseSchemaFiles: names the set in messages. */
  dir: string;
  files: SchemaFile[];
}

export interface SideOptions {
  /** The schema folder, relative to `cwd`; used for git revisions (default `schemas`). */
  schemasPath?: string;
  /** Where relative paths and git commands start (default: the process's working directory). */
  cwd?: string;
}

/**
 * Reads one side. A path that exists wins over a git revision of the same name. `<revision>:<folder>`
 * reads another folder at that revision.
 */
export function readSide(spec: string, options: SideOptions = {}): Side {
  const cwd = options.cwd ?? process.cwd();
  const schemasPath = tidyPath(options.schemasPath ?? "schemas");
  const onDisk = resolve(cwd, spec);
  if (existsSync(onDisk)) {
    if (statSync(onDisk).isDirectory()) {
      const label = tidyPath(spec) + "/";
      return {
        label,
        kind: "folder",
        dir: tidyPath(spec),
        files: readSchemaFolder(onDisk).map((f) => ({
          ...f,
          path: `${tidyPath(spec)}/${f.fileName}`,
        })),
      };
    }
    return readOpenApiFile(spec, readFileSync(onDisk, "utf8"));
  }
  const colon = spec.indexOf(":");
  const [revision, folder] =
    colon > 0 ? [spec.slice(0, colon), tidyPath(spec.slice(colon + 1))] : [spec, schemasPath];
  const commit = gitCommit(revision, cwd);
  if (commit === undefined) {
    throw new SchemaError(spec, undefined, "not a folder, an OpenAPI document or a git revision");
  }
  return readGitFolder(revision, commit, folder, cwd);
}

/**
 * An OpenAPI document split into the per-file layout: `components.schemas`, its responses, parameters and request
 * bodies, and one file per operation (so the report can compare operations when the other side has them too).
 */
export function readOpenApiFile(path: string, text: string): Side {
  const document = parseJsonText(path, text);
  if (!isObject(document) || !("openapi" in document)) {
    throw new SchemaError(
      path,
      undefined,
      'is a file but not an OpenAPI document (no top-level "openapi"); give a schema folder, an OpenAPI document or a git revision',
    );
  }
  return {
    label: tidyPath(path),
    kind: "openapi",
    dir: tidyPath(path),
    files: splitOpenApiLayout(tidyPath(path), document, tidyPath(path)),
  };
}

/** The commit a revision names, or undefined when it names none (or this is not a git work tree). */
export function gitCommit(revision: string, cwd: string): string | undefined {
  if (revision.startsWith("-")) return undefined; // never let a side be read as a git option
  try {
    return (
      git(["rev-parse", "--verify", "--quiet", `${revision}^{commit}`], cwd)
        .toString("utf8")
        .trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** The nearest tag matching `pattern` that HEAD descends from: the last release on this branch. */
export function latestTag(pattern: string, cwd: string): string | undefined {
  try {
    return (
      git(["describe", "--tags", "--abbrev=0", "--match", pattern, "HEAD"], cwd)
        .toString("utf8")
        .trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** `<folder>/*.json` at a commit: one `ls-tree` and one `cat-file --batch`, whatever the number of files. */
function readGitFolder(revision: string, commit: string, folder: string, cwd: string): Side {
  const label = `${revision}:${folder}`;
  let listing: string;
  try {
    // `./` makes the path relative to cwd, as a folder argument would be.
    listing = git(["ls-tree", "-z", `${commit}:./${folder}`], cwd).toString("utf8");
  } catch {
    throw new SchemaError(label, undefined, `no folder "${folder}" at git revision ${revision}`);
  }
  const blobs = listing
    .split("\0")
    .filter((line) => line !== "")
    .map((line) => {
      const tab = line.indexOf("\t");
      const [, type, sha] = line.slice(0, tab).split(" ");
      return { type, sha: sha!, fileName: line.slice(tab + 1) };
    })
    .filter((entry) => entry.type === "blob" && entry.fileName.endsWith(".json"))
    .sort((a, b) => byCodeUnit(a.fileName, b.fileName));
  if (blobs.length === 0)
    throw new SchemaError(
      label,
      undefined,
      "no *.json schema files in this folder at that revision",
    );
  const output = git(["cat-file", "--batch"], cwd, blobs.map((b) => b.sha).join("\n") + "\n");
  const files: SchemaFile[] = [];
  let offset = 0;
  for (const blob of blobs) {
    const newline = output.indexOf(0x0a, offset);
    const header = output.subarray(offset, newline).toString("utf8").split(" ");
    if (header[0] !== blob.sha || header[1] !== "blob")
      throw new Error(`git cat-file answered "${header.join(" ")}" for ${blob.sha}`);
    const size = Number(header[2]);
    const text = output.subarray(newline + 1, newline + 1 + size).toString("utf8");
    offset = newline + 1 + size + 1; // content, then one newline
    files.push({ fileName: blob.fileName, path: `${label}/${blob.fileName}`, text });
  }
  return { label, kind: "git", dir: label, files };
}

function git(args: string[], cwd: string, input?: string): Buffer {
  return execFileSync("git", args, {
    cwd,
    input,
    maxBuffer: 1 << 30,
    stdio: ["pipe", "pipe", "pipe"],
  });
}
