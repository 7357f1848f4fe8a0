/**
 * Bench peer: json-schema-to-typescript compiling the whole schema set, as a user would run it. The set
 * becomes one combined schema whose `definitions` are the schemas, with every `#/components/schemas/<Name>`
 * ref pointed at `#/definitions/<Name>`, so that its resolver can follow the cross-file refs; every
 * definition is declared as a named type (unreachableDefinitions, declareExternallyReferenced), and
 * json-schema-to-typescript formats its output with prettier itself.
 *
 * Usage: node <compiled>.mjs <schema folder> <output file>
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compile, type JSONSchema } from "json-schema-to-typescript";

const [dir, out] = process.argv.slice(2);
if (dir === undefined || out === undefined)
  throw new Error("usage: json-schema-to-typescript <schema folder> <output file>");
const definitions: Record<string, JSONSchema> = {};
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()) {
  const schema = JSON.parse(
    readFileSync(join(dir, file), "utf8").replaceAll('"#/components/schemas/', '"#/definitions/'),
  ) as JSONSchema;
  delete schema.$schema;
  definitions[schema.title!] = schema;
}
const combined: JSONSchema = {
  title: "KlaviyoSchemas",
  type: "object",
  additionalProperties: false,
  definitions,
};
const declarations = await compile(combined, "KlaviyoSchemas", {
  bannerComment: "",
  declareExternallyReferenced: true,
  unreachableDefinitions: true,
  $refOptions: { resolve: { external: false } } as never,
});
writeFileSync(out, declarations);
