/** Runs the pipeline in memory on fixture schema sets. */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENTRY_FILE, generateFromFiles } from "../../scripts/pipeline/generate.js";
import type { SchemaFile } from "../../scripts/pipeline/load.js";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "pipeline");

/** Schema files of one fixture folder, as readSchemaFolder would give them (but without its checks). */
export function fixtureFiles(name: string): SchemaFile[] {
  const dir = join(FIXTURES, name);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((fileName) => ({
      fileName,
      path: `${name}/${fileName}`,
      text: readFileSync(join(dir, fileName), "utf8"),
    }));
}

/** Schema files from inline objects: `{ "a.json": {...} }`. */
export function inlineFiles(schemas: Record<string, unknown>, dir = "fixture"): SchemaFile[] {
  return Object.entries(schemas).map(([fileName, schema]) => ({
    fileName,
    path: `${dir}/${fileName}`,
    text: typeof schema === "string" ? schema : JSON.stringify(schema, null, 2),
  }));
}

export async function declarationsFor(files: SchemaFile[], dir = "fixture"): Promise<string> {
  const result = await generateFromFiles(dir, files);
  return result.files.get(ENTRY_FILE)!;
}

/** A schema file in upstream's layout. */
export function schemaFile(name: string, body: Record<string, unknown>): [string, unknown] {
  return [
    `klaviyo-${name.toLowerCase()}-schema.json`,
    {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: `#/components/schemas/${name}`,
      title: name,
      ...body,
    },
  ];
}
