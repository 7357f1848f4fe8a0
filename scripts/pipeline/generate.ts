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
 * Two small companions make the declarations resolve in every module mode (attw and publint clean):
 * package.json declares the folder CommonJS-format, as @types packages are, so `require`-mode (node16 CJS)
 * consumers can import it although the repository is ESM; index.d.mts gives the "import" condition an
 * ESM-format entry with the same types.
 */
export const FORMAT_FILE = "package.json";
export const FORMAT_FILE_TEXT = '{\n  "type": "commonjs"\n}\n';
export const ESM_ENTRY_FILE = "index.d.mts";
export const ESM_ENTRY_TEXT = '// ESM entry for the "import" condition: the same types as index.d.ts.\nexport type * from "./index.js";\n';

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
      [ESM_ENTRY_FILE, ESM_ENTRY_TEXT],
      [FORMAT_FILE, FORMAT_FILE_TEXT],
    ]),
    schemaCount: normalized.schemas.length,
    refCount: resolved.refCount,
  };
}
