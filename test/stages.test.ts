/**
 * No stage changes its input: each stage's input is deep-frozen before the stage runs, so that any write to
 * it (by our code or by a library, both strict-mode ES modules) throws. The fixture set holds the shapes
 * that stages rewrite: nullable $refs, refs into schemas, discriminators, required beside allOf, closed objects.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { emitDeclarations, emitParts } from "../scripts/pipeline/emit.js";
import { parseSchemaFiles } from "../scripts/pipeline/load.js";
import { normalizeSchemaSet } from "../scripts/pipeline/normalize.js";
import { resolveSchemaSet } from "../scripts/pipeline/resolve.js";
import { inlineFiles } from "./helpers/fixtures.js";

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value))
      deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const files = inlineFiles({
  "cat.json": {
    title: "Cat",
    type: "object",
    properties: { kind: { type: "string" } },
    required: ["kind"],
  },
  "dog.json": {
    title: "Dog",
    type: "object",
    properties: { kind: { type: "string" } },
    required: ["kind"],
  },
  "pet.json": {
    title: "Pet",
    oneOf: [ref("Cat"), ref("Dog")],
    discriminator: { propertyName: "kind", mapping: { c: "#/components/schemas/Cat" } },
  },
  "animal.json": { title: "Animal", allOf: [ref("Cat")], discriminator: { propertyName: "kind" } },
  "holder.json": {
    title: "Holder",
    type: "object",
    properties: {
      pet: { ...ref("Pet"), nullable: true },
      kind: { $ref: "#/components/schemas/Cat/properties/kind" },
      closed: { type: "object", additionalProperties: false },
      mixed: {
        type: "object",
        properties: { a: { type: "string" } },
        additionalProperties: { type: "number" },
      },
    },
    required: ["pet", "kind", "undeclared"],
  },
  "composed.json": {
    title: "Composed",
    allOf: [{ ...ref("Holder"), nullable: true }],
    required: ["kind"],
  },
});

test("load, resolve, normalize and emit leave their inputs as they were", async () => {
  const loaded = parseSchemaFiles("fixture", deepFreeze(files));
  const resolved = await resolveSchemaSet(deepFreeze(loaded));
  const normalized = normalizeSchemaSet(deepFreeze(resolved));
  deepFreeze(normalized);
  const whole = await emitDeclarations(normalized, { source: "fixture" });
  const parts = emitParts({
    input: normalized,
    parts: normalized.schemas.map((s) => ({ container: "schemas", name: s.name })),
  });
  // The frozen run produced real output, the same as an unfrozen one.
  const again = normalizeSchemaSet(await resolveSchemaSet(parseSchemaFiles("fixture", files)));
  expect(await emitDeclarations(again, { source: "fixture" })).toBe(whole);
  expect(parts.parts.map((m) => m.name)).toEqual([
    "Animal",
    "Cat",
    "Composed",
    "Dog",
    "Holder",
    "Pet",
  ]);
  expect(whole).toContain(
    'Composed: WithRequired<components["schemas"]["Holder"] | null, "kind">;',
  );
});

test("resolving does not load Node's fetch (undici): no stage reaches for the network", () => {
  // In a process of its own: jest itself may have loaded it.
  const script = [
    `import { parseSchemaFiles } from ${JSON.stringify(join(process.cwd(), "scripts/pipeline/load.ts"))};`,
    `import { resolveSchemaSet } from ${JSON.stringify(join(process.cwd(), "scripts/pipeline/resolve.ts"))};`,
    `const files = ${JSON.stringify(files)};`,
    `const resolved = await resolveSchemaSet(parseSchemaFiles("fixture", files));`,
    `const loaded = process.moduleLoadList.filter((m) => m.includes("undici"));`,
    `console.log(JSON.stringify({ refs: resolved.refCount, loaded, headers: typeof Object.getOwnPropertyDescriptor(globalThis, "Headers")?.get }));`,
  ].join("\n");
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "--eval", script],
    { encoding: "utf8" },
  );
  expect(run.stderr).toBe("");
  const { refs, loaded, headers } = JSON.parse(run.stdout) as Record<string, unknown>;
  expect(refs).toBeGreaterThan(0);
  expect(loaded).toEqual([]);
  // The global is Node's lazy getter again afterwards.
  expect(headers).toBe("function");
});
