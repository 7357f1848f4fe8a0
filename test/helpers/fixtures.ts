/** Runs the pipeline in memory on schema sets written inline in the tests. */
import { ENTRY_FILE, generateFromFiles } from "../../scripts/pipeline/generate.js";
import type { SchemaFile } from "../../scripts/pipeline/load.js";

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
