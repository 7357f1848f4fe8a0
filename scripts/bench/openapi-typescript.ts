/**
 * Bench peer: plain openapi-typescript and prettier on the whole schema set, with no pipeline around
 * them: the files become one OpenAPI 3.0 document's `components.schemas` (their refs already point
 * there), openapi-typescript types it with its default options, and prettier formats the result.
 *
 * Usage: node <compiled>.mjs <schema folder> <output file>
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import { format } from "prettier";

const [dir, out] = process.argv.slice(2);
if (dir === undefined || out === undefined)
  throw new Error("usage: openapi-typescript <schema folder> <output file>");
const schemas: Record<string, unknown> = {};
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()) {
  const schema = JSON.parse(readFileSync(join(dir, file), "utf8")) as { title: string };
  schemas[schema.title] = schema;
}
const document = {
  openapi: "3.0.3",
  info: { title: "bench", version: "0" },
  paths: {},
  components: { schemas },
};
const nodes = await openapiTS(document as never, { silent: true });
writeFileSync(out, await format(astToString(nodes), { parser: "typescript", printWidth: 100 }));
