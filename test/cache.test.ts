/**
 * The generate cache: a warm run gives the bytes of a cold run on the same schemas, whatever changed in
 * between, and reuses what it can. Each case changes the set and compares with a cold run.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileCache, memoryCache, type GenerateCache } from "../scripts/pipeline/cache.js";
import { ENTRY_FILE, generateFromFiles } from "../scripts/pipeline/generate.js";
import type { SchemaFile } from "../scripts/pipeline/load.js";
import { runScript, tempDir, writeSchemaFolder } from "./helpers/cli.js";
import { inlineFiles, schemaFile } from "./helpers/fixtures.js";

const set = (...files: [string, unknown][]) => inlineFiles(Object.fromEntries(files));
const cold = async (files: SchemaFile[]) =>
  (await generateFromFiles("fixture", files)).files.get(ENTRY_FILE);
const warm = (files: SchemaFile[], cache: GenerateCache) =>
  generateFromFiles("fixture", files, "fixture", { cache });

const BASE = [
  schemaFile("Plain", {
    type: "object",
    properties: { id: { type: "string" }, name: { type: "string" } },
  }),
  schemaFile("Required", { allOf: [{ $ref: "#/components/schemas/Plain" }], required: ["id"] }),
  schemaFile("Other", { type: "string", enum: ["a", "b"] }),
] as const;

describe("a warm run gives the bytes of a cold run", () => {
  test("nothing changed: the whole run comes from the cache", async () => {
    const cache = memoryCache();
    const files = set(...BASE);
    const first = await warm(files, cache);
    expect(first.reused).toEqual({ run: false, members: 0 });
    const second = await warm(files, cache);
    expect(second.reused).toEqual({ run: true, members: 3 });
    expect(second.files).toEqual(first.files);
    expect(second.files.get(ENTRY_FILE)).toBe(await cold(files));
  });

  test("one schema changed: only its member is made again", async () => {
    const cache = memoryCache();
    await warm(set(...BASE), cache);
    const changed = set(
      BASE[0],
      BASE[1],
      schemaFile("Other", { type: "string", enum: ["a", "b", "c"] }),
    );
    const result = await warm(changed, cache);
    expect(result.reused).toEqual({ run: false, members: 2 });
    expect(result.files.get(ENTRY_FILE)).toBe(await cold(changed));
    expect(result.files.get(ENTRY_FILE)).toContain('Other: "a" | "b" | "c";');
  });

  test("a schema whose typing reads another is made again when that one changes, though its own text did not", async () => {
    const cache = memoryCache();
    const before = await warm(set(...BASE), cache);
    expect(before.files.get(ENTRY_FILE)).toContain(
      'Required: WithRequired<components["schemas"]["Plain"], "id">;',
    );
    // Plain loses `id`. Required's typing looked Plain up (openapi-typescript's ctx.resolve), so it is made
    // again; `required` still applies to the composed value, whatever Plain declares.
    const changed = set(
      schemaFile("Plain", { type: "object", properties: { name: { type: "string" } } }),
      BASE[1],
      BASE[2],
    );
    const after = await warm(changed, cache);
    expect(after.files.get(ENTRY_FILE)).toBe(await cold(changed));
    expect(after.files.get(ENTRY_FILE)).toContain(
      'Required: WithRequired<components["schemas"]["Plain"], "id">;',
    );
    expect(after.files.get(ENTRY_FILE)).toContain("name?: string;");
    expect(after.reused).toEqual({ run: false, members: 1 });
  });

  test("a discriminator mapping that changes makes only its own schema again: the branches stay as they are", async () => {
    const pets = (mapping: Record<string, string>) =>
      set(
        schemaFile("Pet", {
          oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }],
          discriminator: { propertyName: "kind", mapping },
        }),
        schemaFile("Cat", {
          type: "object",
          properties: { kind: { type: "string" } },
          required: ["kind"],
        }),
        schemaFile("Dog", {
          type: "object",
          properties: { kind: { type: "string" } },
          required: ["kind"],
        }),
      );
    const cache = memoryCache();
    const first = pets({ cat: "#/components/schemas/Cat", dog: "#/components/schemas/Dog" });
    await warm(first, cache);
    // Only Pet's text changes; normalize narrows Pet's own branches, so Cat and Dog are reused.
    const second = pets({ feline: "#/components/schemas/Cat", canine: "#/components/schemas/Dog" });
    const result = await warm(second, cache);
    expect(result.files.get(ENTRY_FILE)).toBe(await cold(second));
    expect(result.files.get(ENTRY_FILE)).toContain('kind: "feline"');
    expect(result.reused).toEqual({ run: false, members: 2 });
  });

  test("a schema renamed, added and removed", async () => {
    const cache = memoryCache();
    await warm(set(...BASE), cache);
    const changed = set(
      BASE[0],
      BASE[1],
      schemaFile("Renamed", { type: "string", enum: ["a", "b"] }),
      schemaFile("Added", { type: "number" }),
    );
    const result = await warm(changed, cache);
    expect(result.files.get(ENTRY_FILE)).toBe(await cold(changed));
    expect(result.reused).toEqual({ run: false, members: 2 });
  });
});

describe("the cache folder", () => {
  test("survives a new process, and is written atomically, one pack per scope", async () => {
    const dir = join(tempDir(), "cache");
    const files = set(...BASE);
    const first = fileCache(dir, "scope-a", "v1");
    await warm(files, first);
    first.save();
    const packs = readdirSync(dir).sort();
    expect(packs.filter((f) => f.endsWith(".run.pack"))).toHaveLength(1);
    expect(packs.filter((f) => f.endsWith(".parts.pack"))).toHaveLength(1);
    expect(packs.some((f) => f.endsWith(".tmp"))).toBe(false);
    const again = await warm(files, fileCache(dir, "scope-a", "v1"));
    expect(again.reused?.run).toBe(true);
    expect((await warm(files, fileCache(dir, "scope-b", "v1"))).reused?.run).toBe(false);
  });

  test("another pipeline version reuses nothing", async () => {
    const dir = join(tempDir(), "cache");
    const files = set(...BASE);
    const first = fileCache(dir, "scope", "v1");
    await warm(files, first);
    first.save();
    const other = await warm(files, fileCache(dir, "scope", "v2"));
    expect(other.reused).toEqual({ run: false, members: 0 });
  });

  test("a damaged cache is an empty one: the run is right, and saving repairs it", async () => {
    const dir = join(tempDir(), "cache");
    const files = set(...BASE);
    const first = fileCache(dir, "scope", "v1");
    await warm(files, first);
    first.save();
    for (const file of readdirSync(dir))
      writeFileSync(join(dir, file), readFileSync(join(dir, file), "utf8").slice(0, 100));
    const damaged = fileCache(dir, "scope", "v1");
    const result = await warm(files, damaged);
    expect(result.reused).toEqual({ run: false, members: 0 });
    expect(result.files.get(ENTRY_FILE)).toBe(await cold(files));
    damaged.save();
    expect((await warm(files, fileCache(dir, "scope", "v1"))).reused?.run).toBe(true);
  });
});

describe("the CLI and its cache", () => {
  test("--check reuses the cached run; --no-cache neither reads nor writes it; both give the same answer", () => {
    const root = tempDir();
    const schemas = writeSchemaFolder(
      join(root, "schemas"),
      Object.fromEntries(BASE.map(([name, body]) => [name, body])),
    );
    const out = join(root, "generated");
    const cacheDir = join(root, "cache");
    expect(
      runScript("generate.ts", ["--schemas", schemas, "--out", out, "--cache-dir", cacheDir])
        .status,
    ).toBe(0);
    expect(existsSync(cacheDir)).toBe(true);
    const check = runScript("generate.ts", [
      "--schemas",
      schemas,
      "--out",
      out,
      "--cache-dir",
      cacheDir,
      "--check",
    ]);
    expect(check.status).toBe(0);
    expect(check.stderr).toBe(
      `generate: read 3 schema files from ${schemas}/; nothing changed since the cached run (${cacheDir}/)\n`,
    );

    const noCache = join(root, "no-cache");
    mkdirSync(noCache);
    const cold = runScript("generate.ts", [
      "--schemas",
      schemas,
      "--out",
      out,
      "--cache-dir",
      noCache,
      "--check",
      "--no-cache",
    ]);
    expect(cold.status).toBe(0);
    expect(readdirSync(noCache)).toEqual([]);

    writeFileSync(
      join(schemas, "klaviyo-other-schema.json"),
      JSON.stringify(BASE[2][1]).replace('"b"]', '"b","c"]'),
    );
    const stale = runScript("generate.ts", [
      "--schemas",
      schemas,
      "--out",
      out,
      "--cache-dir",
      cacheDir,
      "--check",
    ]);
    expect(stale.status).toBe(1);
    expect(stale.stdout).toContain("index.d.ts: differs from line");
  });

  test("--threads must be a whole number", () => {
    const run = runScript("generate.ts", ["--threads", "two", "--no-cache"]);
    expect(run).toEqual({
      status: 2,
      stdout: "",
      stderr:
        'generate: error: --threads wants a whole number, 0 or more, not "two" (see --help)\n',
    });
  });
});
