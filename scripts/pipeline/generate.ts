/**
 * The whole pipeline as one function from schema files to output files: load → resolve → normalise →
 * emit → format. Reading the folder and writing the output stay in the CLI.
 */
import { emitDeclarations } from "./emit.js";
import { formatDeclarations } from "./format.js";
import { parseSchemaFiles, type SchemaFile } from "./load.js";
import { normalizeSchemaSet } from "./normalize.js";
import { resolveSchemaSet } from "./resolve.js";

export const ENTRY_FILE = "index.d.ts";
/**
 * The repository is ESM, but the published declarations declare CommonJS format: a types-only file then
 * resolves cleanly for `require`-mode (node16 CJS) and ESM consumers alike, as @types packages do.
 */
export const FORMAT_FILE = "package.json";
export const FORMAT_FILE_TEXT = '{\n  "type": "commonjs"\n}\n';

export interface GenerateResult {
  files: Map<string, string>;
  schemaCount: number;
  refCount: number;
}

export async function generateFromFiles(
  dir: string,
  files: readonly SchemaFile[],
  source: string = dir,
): Promise<GenerateResult> {
  const loaded = parseSchemaFiles(dir, files);
  const resolved = await resolveSchemaSet(loaded);
  const normalized = normalizeSchemaSet(resolved);
  const declarations = await emitDeclarations(normalized, { source });
  const formatted = await formatDeclarations(declarations);
  return {
    files: new Map([
      [ENTRY_FILE, formatted],
      [FORMAT_FILE, FORMAT_FILE_TEXT],
    ]),
    schemaCount: normalized.schemas.length,
    refCount: resolved.refCount,
  };
}
