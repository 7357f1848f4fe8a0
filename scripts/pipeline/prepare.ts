/**
 * load → resolve → normalise: schema files → the set the emitter, the drift report and the conformance run
 * work on. Resolve and normalise are imported when a run gets here, not at start-up: a run that generate's
 * cache answers whole never does.
 */
import { parseSchemaFiles, type SchemaFile } from "./load.js";
import type { NormalizedSet } from "./normalize.js";
import type { ResolvedSet } from "./resolve.js";

export interface PreparedSet {
  /** Before normalising: what the schemas say, every ref in resolve's one form (conformance's judge reads this). */
  resolved: ResolvedSet;
  /** What the emitter and the drift comparison read. */
  normalized: NormalizedSet;
}

export async function prepareSchemaSet(
  dir: string,
  files: readonly SchemaFile[],
): Promise<PreparedSet> {
  const loaded = parseSchemaFiles(dir, files);
  const { resolveSchemaSet } = await import("./resolve.js");
  const resolved = await resolveSchemaSet(loaded);
  const { normalizeSchemaSet } = await import("./normalize.js");
  return { resolved, normalized: normalizeSchemaSet(resolved) };
}
