/**
 * A local folder in the upstream per-file layout. Bytes are kept as they are on disk; the revision is a
 * sha256 over every `*.json` file name and content, so the same folder always has the same revision.
 */
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { SchemaError } from "../../pipeline/errors.js";
import { byCodeUnit } from "../../pipeline/json.js";
import type { FetchLimits } from "../http.js";
import { readBounded } from "./openapi.js";
import type { Source, SourceFile } from "./source.js";

export function openFolderSource(dir: string, limits: FetchLimits): Source {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new SchemaError(dir, undefined, "not a folder");
    entries = readdirSync(dir);
  } catch (error) {
    if (error instanceof SchemaError) throw error;
    throw new SchemaError(
      dir,
      undefined,
      `cannot read the folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const fileNames = entries.filter((name) => name.endsWith(".json")).sort(byCodeUnit);
  if (fileNames.length === 0)
    throw new SchemaError(dir, undefined, "no *.json schema files in this folder");
  const files = new Map<string, SourceFile>();
  const digest = createHash("sha256");
  for (const fileName of fileNames) {
    const path = join(dir, fileName);
    const bytes = readBounded(path, limits);
    files.set(fileName, { fileName, path, bytes });
    digest.update(fileName).update("\0").update(bytes).update("\0");
  }
  return {
    kind: "folder",
    location: dir,
    revision: "sha256:" + digest.digest("hex"),
    fileNames,
    read: async (names) => names.map((name) => files.get(name)!),
  };
}
