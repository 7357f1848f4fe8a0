/**
 * A local folder in the upstream per-file layout. Bytes are kept as they are on disk; the revision is a
 * sha256 over every `*.json` file name and content, so the same folder always has the same revision.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { listSchemaFiles } from "../../pipeline/load.js";
import type { FetchLimits } from "../http.js";
import { readBounded } from "./openapi.js";
import type { Source, SourceFile } from "./source.js";

export function openFolderSource(dir: string, limits: FetchLimits): Source {
  const fileNames = listSchemaFiles(dir);
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
