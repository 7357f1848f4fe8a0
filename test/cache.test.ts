/**
 * The generate cache: a warm run gives the bytes of a cold run on the same schemas, whatever changed in
 * between, and reuses what it can. Each case changes the set and compares with a cold run.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileCache, memoryCache, type GenerateCache } from "../scripts/pipeline/cache.js";
import { ENTRY_FILE, generateFromFiles } from "../scripts/pipeline/generate.js";
import type { SchemaFile } from "../scripts/pipeline/load.js";
import type { NormalizedSet } from "../scripts/pipeline/normalize.js";
import { prepareSchemaSet } from "../scripts/pipeline/prepare.js";
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

/**
 * What load, resolve and normalise made of each schema file is kept too (prepare.ts), and reused for the same
 * file name and text while everything it asked of the rest of the set has the same answer. Each case changes
 * something outside a kept file that its result depends on, so that reusing it as it was would give other
 * bytes (or no error where a run without the cache has one), and compares with a run without the cache.
 */
describe("what the cache keeps of each schema file", () => {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const media = (schema: unknown) => ({ content: { "application/vnd.api+json": { schema } } });
  const operation = (
    id: string,
    route: string,
    body: Record<string, unknown>,
  ): [string, unknown] => [
    `klaviyo-${id}-operation.json`,
    { $id: `#/paths/${route.replace(/\//g, "~1")}/post`, operationId: id, ...body },
  ];
  const response = (name: string, body: Record<string, unknown>): [string, unknown] => [
    `klaviyo-${name.toLowerCase()}-response.json`,
    { $id: `#/components/responses/${name}`, ...body },
  ];
  /** A cache that counts the kept files it hands out. */
  const counting = () => {
    const inner = memoryCache();
    const cache = {
      ...inner,
      hits: 0,
      get warm() {
        return inner.warm;
      },
      getFile(key: string) {
        const file = inner.getFile(key);
        if (file !== undefined) cache.hits++;
        return file;
      },
    };
    return cache;
  };
  /** The error a run gives, or undefined. */
  const failure = async (run: Promise<unknown>) =>
    run.then(
      () => undefined,
      (error: Error) => error.message,
    );
  /** A warm run's files, which must be a cold run's; all their texts, for what they must contain. */
  const same = async (files: SchemaFile[], cache: GenerateCache) => {
    const result = await warm(files, cache);
    expect(result.files).toEqual((await generateFromFiles("fixture", files)).files);
    return [...result.files.values()].join("\n");
  };

  const STORE = [
    schemaFile("Address", {
      type: "object",
      properties: { street: { type: "string" }, code: { type: "string" } },
    }),
    schemaFile("Profile", {
      type: "object",
      properties: { name: { type: "string" }, address: ref("Address") },
      required: ["name"],
    }),
    schemaFile("ProfileQuery", {
      type: "object",
      properties: { data: ref("Profile") },
      required: ["data"],
    }),
    operation("create_profile", "/api/profiles", {
      requestBody: { required: true, ...media(ref("ProfileQuery")) },
      responses: {
        "201": { description: "Created", ...media(ref("Profile")) },
        "4XX": { $ref: "#/components/responses/ClientError" },
      },
      tags: ["Profiles"],
    }),
    response("ClientError", {
      description: "Client error",
      ...media({ type: "object", properties: { errors: { type: "array" } } }),
    }),
  ] as const;

  test("a one-changed run reuses every other file, and makes the bytes of a run without the cache", async () => {
    const cache = counting();
    await same(set(...STORE), cache);
    expect(cache.hits).toBe(0);
    const changed = set(
      schemaFile("Address", {
        type: "object",
        description: "Where a profile lives.",
        properties: { street: { type: "string" }, code: { type: "string" } },
      }),
      ...STORE.slice(1),
    );
    expect(await same(changed, cache)).toContain("Where a profile lives.");
    expect(cache.hits).toBe(STORE.length - 1);
  });

  test("a change no operation reaches: a kept operation's tags still make its entry", async () => {
    const cache = counting();
    const apart = (description: string) => schemaFile("Apart", { type: "string", description });
    await same(set(...STORE, apart("a")), cache);
    const text = await same(set(...STORE, apart("b")), cache);
    expect(text).toContain(
      'Generated by klaviyo-schema-types: the entry for Klaviyo\'s "Profiles" operations',
    );
    expect(cache.hits).toBe(STORE.length);
  });

  test("a schema that kept files reach gains a readOnly key: their request variants appear", async () => {
    const cache = counting();
    expect(await same(set(...STORE), cache)).not.toContain("requestSchemas");
    const changed = set(
      schemaFile("Address", {
        type: "object",
        properties: { street: { type: "string" }, code: { type: "string", readOnly: true } },
      }),
      ...STORE.slice(1),
    );
    const text = await same(changed, cache);
    // Profile's text did not change, but in a request it now refuses the key its Address hides.
    expect(text).toContain('requestSchemas["Profile"]');
    expect(cache.hits).toBe(STORE.length - 1);
  });

  test("a file ref whose file now declares another name, while another file declares the old one", async () => {
    const cache = memoryCache();
    const owner = schemaFile("Owner", {
      type: "object",
      properties: { pet: { $ref: "klaviyo-pet-schema.json" } },
    });
    const pet = (title: string): [string, unknown] => [
      "klaviyo-pet-schema.json",
      { title, type: "object", properties: { name: { type: "string" } } },
    ];
    expect(await same(set(owner, pet("Pet")), cache)).toContain(
      'pet?: components["schemas"]["Pet"]',
    );
    // Owner's text is the same, and a schema named Pet still exists; but its ref now means Animal.
    const renamed = set(owner, pet("Animal"), [
      "klaviyo-otherpet-schema.json",
      { title: "Pet", type: "string" },
    ]);
    expect(await same(renamed, cache)).toContain('pet?: components["schemas"]["Animal"]');
  });

  test("a schema or component a kept file refers to goes away and comes back: the same error, then the same bytes", async () => {
    const cache = memoryCache();
    await same(set(...STORE), cache);
    for (const without of [
      STORE.filter(([file]) => !file.includes("-address-")),
      STORE.filter(([file]) => !file.includes("clienterror")),
    ]) {
      const message = await failure(cold(set(...without)));
      expect(message).toMatch(/points at/);
      expect(await failure(warm(set(...without), cache))).toBe(message);
      await same(set(...STORE), cache);
    }
  });

  test("a discriminator mapping's schema goes away, then comes back under the name the mapping says", async () => {
    const cache = memoryCache();
    const pets = (catName: string) =>
      set(
        schemaFile("Pet", {
          oneOf: [ref("Dog"), { $ref: "klaviyo-cat-schema.json" }],
          discriminator: { propertyName: "kind", mapping: { cat: "Cat", dog: "Dog" } },
        }),
        schemaFile("Dog", { type: "object", properties: { kind: { type: "string" } } }),
        [
          "klaviyo-cat-schema.json",
          { title: catName, type: "object", properties: { kind: { type: "string" } } },
        ],
      );
    await same(pets("Cat"), cache);
    const message = await failure(cold(pets("Kitty")));
    expect(message).toMatch(/discriminator mapping "Cat" names no schema of the set/);
    expect(await failure(warm(pets("Kitty"), cache))).toBe(message);
    expect(await same(pets("Cat"), cache)).toContain('kind: "cat"');
  });

  test("a deep ref copies the body its target has now", async () => {
    const cache = memoryCache();
    const holder = schemaFile("Holder", {
      type: "object",
      properties: { code: ref("Source/properties/code") },
      required: ["code"],
    });
    const source = (type: string) =>
      schemaFile("Source", { type: "object", properties: { code: { type } } });
    expect(await same(set(holder, source("string")), cache)).toContain("code: string;");
    expect(await same(set(holder, source("integer")), cache)).toContain("code: number;");
  });

  test("a name json-schema-ref-parser cannot find is looked up on every run", async () => {
    const cache = memoryCache();
    const base = [schemaFile("Plain", { type: "string" })];
    await same(set(...base), cache);
    // Resolve accepts the name, but json-schema-ref-parser reads "%25" in a pointer as "%": no kept answer may
    // stand in for its lookup.
    const odd = set(
      ...base,
      schemaFile("Odd", { type: "object", properties: { a: ref("100%2525"), b: ref("Plain") } }),
      ["klaviyo-100-schema.json", { title: "100%25", type: "string" }],
    );
    const message = await failure(cold(odd));
    expect(message).toMatch(/points at nothing in the schema set/);
    expect(await failure(warm(odd, cache))).toBe(message);
    expect(await failure(warm(odd, cache))).toBe(message);
  });

  test("a number that JSON text would not give back is not kept, and comes out as without the cache", async () => {
    const cache = counting();
    const files = (description: string) => [
      // JSON.stringify writes -0 as 0: kept as JSON text, this body would not come back as it is.
      ...inlineFiles({
        "klaviyo-offset-schema.json":
          '{ "title": "Offset", "type": "number", "enum": [-0, 1], "default": -0.0 }',
      }),
      ...set(schemaFile("Plain", { type: "string", description })),
    ];
    await same(files("a"), cache);
    await same(files("b"), cache);
    expect(cache.hits).toBe(0); // Plain changed, and Offset was never kept
    await same(files("a"), cache);
    expect(cache.hits).toBe(0);
  });
});

describe("what the cache keeps, on sets made at random", () => {
  /** A small linear congruential generator: the same sets on every run. */
  const random = (seed: number) => () =>
    (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  /** Schemas naming each other (aliases, nullable refs, loops), with readOnly and writeOnly here and there. */
  const randomSet = (next: () => number, size: number): Record<string, unknown> => {
    const names = Array.from({ length: size }, (_, i) => `S${i}`);
    const pick = () => ({ $ref: `#/components/schemas/${names[Math.floor(next() * size)]}` });
    const property = (): unknown => {
      const x = next();
      if (x < 0.3) return pick();
      if (x < 0.4) return { anyOf: [pick()], nullable: true };
      if (x < 0.5) return { type: "string", readOnly: true };
      if (x < 0.6) return { type: "string", writeOnly: true };
      if (x < 0.7) return { allOf: [pick()] };
      return { type: "string" };
    };
    const body = () => {
      const x = next();
      if (x < 0.2) return pick();
      if (x < 0.3) return { readOnly: true, type: "object" };
      if (x < 0.4) return { writeOnly: true, ...pick() };
      return {
        type: "object",
        properties: {
          a: property(),
          b: property(),
          c: { type: "object", properties: { d: property() } },
        },
        required: ["a", "b"],
        ...(next() < 0.3 ? { allOf: [pick()] } : {}),
      };
    };
    const files: Record<string, unknown> = Object.fromEntries(
      names.map((name) => [
        `klaviyo-${name.toLowerCase()}-schema.json`,
        { title: name, ...body() },
      ]),
    );
    const media = () => ({ content: { "application/json": { schema: pick() } } });
    files["klaviyo-op-operation.json"] = {
      $id: "#/paths/~1api~1things/post",
      operationId: "op",
      requestBody: media(),
      responses: { "200": { description: "OK", ...media() } },
    };
    return files;
  };
  const view = (set: NormalizedSet) =>
    JSON.stringify({
      schemas: set.schemas.map((s) => [s.name, s.refersTo, s.schema]),
      operations: set.operations.map((o) => [o.operationId, o.refersTo, o.operation]),
      variants: set.variants,
      refCount: set.refCount,
    });

  test("a schema changed at random: the warm set is the set a run without the cache makes", async () => {
    let variants = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const next = random(seed);
      const size = 2 + Math.floor(next() * 8);
      const files = randomSet(next, size);
      const cache = memoryCache();
      await prepareSchemaSet("fixture", inlineFiles(files), cache);
      // Another body for one schema, drawn from the same generator: its name and file stay.
      const other = randomSet(next, size);
      const changed = `klaviyo-s${Math.floor(next() * size)}-schema.json`;
      const after = inlineFiles({ ...files, [changed]: other[changed] });
      const made = await prepareSchemaSet("fixture", after, cache).then(
        (p) => view(p.normalized),
        (error: Error) => error.message,
      );
      const fresh = await prepareSchemaSet("fixture", after).then(
        (p) => view(p.normalized),
        (error: Error) => error.message,
      );
      expect(made).toBe(fresh);
      if (/requestSchemas|responseSchemas/.test(fresh)) variants++;
    }
    expect(variants).toBeGreaterThan(10); // the sets do exercise the directions
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
