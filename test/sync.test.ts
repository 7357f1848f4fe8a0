/**
 * sync: config, closure, lock and atomic vendoring, against a loopback GitHub started by the tests.
 * A small hand-made set pins every failure mode (each must leave the schema folder, the lock and the config
 * byte for byte); the real upstream set pins the seed's closure, --all, the OpenAPI and folder sources.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { byCodeUnit } from "../scripts/pipeline/json.js";
import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  chooseSource,
  DEFAULT_CONFIG,
  openApiLocation,
  parseConfig,
  pinConfigText,
  readConfig,
  type OpenApiSourceConfig,
} from "../scripts/sync/config.js";
import { classifyLayoutId } from "../scripts/pipeline/layout.js";
import { parseLock, renderLock, sameApartFromTime, type Lock } from "../scripts/sync/lock.js";
import { gitBlobId, mapLimit } from "../scripts/sync/sources/github.js";
import { syncSchemas, verifySchemas, type SyncOptions } from "../scripts/sync/sync.js";
import { vendorAtomically } from "../scripts/sync/vendor.js";
import { snapshotFolder, tempDir } from "./helpers/cli.js";
import {
  LOOPBACK_COMMIT,
  readFolderFiles,
  startLoopbackGitHub,
  type LoopbackGitHub,
  type Override,
} from "./helpers/loopback-github.js";
import {
  describeWithUpstream,
  hasUpstreamOpenApi,
  hasUpstreamSet,
  UPSTREAM_OPENAPI,
  UPSTREAM_SET,
} from "./helpers/upstream.js";
import { expectError, expectRejection } from "./helpers/expect-error.js";

const SEED = "PostCatalogItemCreateJobResponse";
/** The seed and the six schemas it reaches, by upstream file name. */
const SEED_CLOSURE = [
  "klaviyo-apijoberrorpayload-schema.json",
  "klaviyo-catalogitembulkcreatejobenum-schema.json",
  "klaviyo-catalogitemenum-schema.json",
  "klaviyo-errorsource-schema.json",
  "klaviyo-objectlinks-schema.json",
  "klaviyo-postcatalogitemcreatejobresponse-schema.json",
  "klaviyo-relationshiplinks-schema.json",
];
/** klaviyo/openapi's commit of revision 2026-07-15 (../shared/upstream/SOURCES.md). */
const KLAVIYO_0715 = "70a58ad729495628f90ff72bdac6e41d7148f57f";
const T1 = () => new Date("2026-01-02T03:04:05.000Z");
const T2 = () => new Date("2026-02-03T04:05:06.000Z");
const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");
/** `text` as a literal part of a RegExp. */
const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Where a loopback server serves a file of the folder, and its tree listing. */
const rawUrl = (server: LoopbackGitHub, file: string) =>
  `${server.baseUrl}/api-evangelist/klaviyo/${server.source.ref}/json-schema/${file}`;
const listingUrl = (server: LoopbackGitHub) =>
  `${server.baseUrl}/api/repos/api-evangelist/klaviyo/git/trees/${server.source.ref}?recursive=1`;

function schemaText(name: string, body: Record<string, unknown>): Buffer {
  const schema = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `#/components/schemas/${name}`,
    title: name,
    ...body,
  };
  return Buffer.from(JSON.stringify(schema, null, 2));
}

/**
 * Root → Mid, Leaf; Mid → Leaf, Mid. Mid lives under a file name that is not upstream's rule for "Mid",
 * and the file that rule names declares another schema: only the titles can say where Mid is.
 */
const FIXTURE = new Map<string, Buffer>([
  [
    "klaviyo-root-schema.json",
    schemaText("Root", {
      type: "object",
      properties: {
        mid: { $ref: "#/components/schemas/Mid" },
        leaf: { $ref: "#/components/schemas/Leaf", nullable: true },
      },
    }),
  ],
  [
    "odd-name.json",
    schemaText("Mid", {
      type: "object",
      properties: {
        leaf: { $ref: "#/components/schemas/Leaf" },
        next: { $ref: "#/components/schemas/Mid" },
      },
    }),
  ],
  ["klaviyo-mid-schema.json", schemaText("Decoy", { type: "boolean" })],
  // A "$ref" inside example data is data, not a reference.
  [
    "klaviyo-leaf-schema.json",
    schemaText("Leaf", { type: "string", example: { $ref: "#/components/schemas/Unrelated" } }),
  ],
  ["klaviyo-unrelated-schema.json", schemaText("Unrelated", { type: "integer" })],
]);
const ROOT_CLOSURE = ["klaviyo-leaf-schema.json", "klaviyo-root-schema.json", "odd-name.json"];

function options(
  server: LoopbackGitHub,
  root: string,
  extra: Partial<SyncOptions> = {},
): SyncOptions {
  return {
    source: server.source,
    roots: ["Root"],
    outDir: join(root, "schemas"),
    lockPath: join(root, "schemas.lock.json"),
    now: T1,
    ...extra,
  };
}

function withFiles(changes: Record<string, Buffer | undefined>): Map<string, Buffer> {
  const files = new Map(FIXTURE);
  for (const [name, bytes] of Object.entries(changes)) {
    if (bytes === undefined) files.delete(name);
    else files.set(name, bytes);
  }
  return files;
}

/** Everything in the folder, names and bytes, including any stray staging folder. */
function state(root: string) {
  return { names: readdirSync(root).sort(), files: snapshotFolder(root) };
}

describe("config", () => {
  test("the committed upstream.config.json is Klaviyo's own document, pinned, with the seed and its operation", () => {
    const loaded = readConfig(undefined);
    expect(loaded.text).toBe(readFileSync("upstream.config.json", "utf8"));
    expect(loaded.config.source).toEqual({
      kind: "openapi",
      repo: "klaviyo/openapi",
      path: "openapi/stable.json",
      ref: KLAVIYO_0715,
      rawBaseUrl: "https://raw.githubusercontent.com",
    });
    expect(loaded.config.roots).toEqual([SEED]);
    expect(loaded.config.operations).toEqual(["bulk_create_catalog_items"]);
  });

  test('missing keys take the defaults; roots may be "*"; other sources', () => {
    expect(parseConfig("{}", "c.json")).toEqual(DEFAULT_CONFIG);
    expect(parseConfig('{ "roots": "*" }', "c.json").roots).toBe("*");
    expect(
      parseConfig(
        '{ "source": { "kind": "openapi", "location": "https://example.com/stable.json" } }',
        "c.json",
      ).source,
    ).toEqual({ kind: "openapi", location: "https://example.com/stable.json" });
    expect(
      parseConfig('{ "source": { "kind": "folder", "path": "vendor" } }', "conf/c.json").source,
    ).toEqual({ kind: "folder", path: "conf/vendor" });
  });

  test.each([
    [
      '{ "source": { "ref": "main" } }',
      'c.json: /source/ref: expected a pinned commit (40 lowercase hex digits), found "main"',
    ],
    [
      '{ "source": { "kind": "svn" } }',
      'c.json: /source/kind: expected "github", "openapi" or "folder", found "svn"',
    ],
    [
      '{ "source": { "rawBase": "x" } }',
      "c.json: /source/rawBase: unknown key (expected one of kind, repo, folder, ref, rawBaseUrl, apiBaseUrl)",
    ],
    [
      '{ "source": { "apiBaseUrl": "ftp://x" } }',
      'c.json: /source/apiBaseUrl: expected an http(s) URL, found "ftp://x"',
    ],
    [
      '{ "roots": [] }',
      'c.json: /roots: expected "*" or a non-empty list of schema names (empty only beside a non-empty "operations")',
    ],
    [
      '{ "root": ["A"] }',
      "c.json: /root: unknown key (expected one of $comment, source, roots, operations)",
    ],
    // The rest of the message is the JavaScript engine's wording.
    ["{", /^c\.json: malformed JSON: \S.*$/],
  ])("refuses %s", (text, message) => {
    expectError(() => parseConfig(text, "c.json"), message);
  });

  test("--from and --ref choose the source", () => {
    const github = DEFAULT_CONFIG.source;
    expect(chooseSource(github, undefined, undefined)).toBe(github);
    expect(chooseSource({ kind: "folder", path: "x" }, "github", undefined)).toEqual(github);
    expect(chooseSource(github, "https://example.com/stable.json", undefined)).toEqual({
      kind: "openapi",
      location: "https://example.com/stable.json",
    });
    expect(chooseSource(github, "schemas", undefined)).toEqual({ kind: "folder", path: "schemas" });
    expect(chooseSource(github, "package.json", undefined)).toEqual({
      kind: "openapi",
      location: "package.json",
    });
    expect(chooseSource(github, undefined, "a".repeat(40))).toEqual({
      ...github,
      ref: "a".repeat(40),
    });
    expectError(
      () => chooseSource(github, undefined, "main"),
      "--ref main: expected a full commit id (40 lowercase hex digits); a branch is not a pin (git ls-remote https://github.com/api-evangelist/klaviyo.git HEAD gives the newest)",
    );
    expectError(
      () => chooseSource(github, "schemas", "a".repeat(40)),
      "--ref pins a github source, but the source is folder schemas (an openapi source is pinned in its repo, path and ref form)",
    );
    expectError(
      () => chooseSource(github, "no/such/place", undefined),
      "--from no/such/place: no such file or folder (expected github, a URL, a file or a folder)",
    );
  });

  test("--pin rewrites only the commit", () => {
    const text =
      '{\n  "$comment": "keep me",\n  "source": { "kind": "github", "ref": "' +
      "a".repeat(40) +
      '" },\n  "roots": ["X"]\n}\n';
    const pinned = pinConfigText(
      { path: "c.json", text, config: parseConfig(text, "c.json") },
      "b".repeat(40),
    );
    expect(JSON.parse(pinned)).toEqual({
      $comment: "keep me",
      source: { kind: "github", ref: "b".repeat(40) },
      roots: ["X"],
    });
  });

  test('operations: none by default, "*" or a list of operationIds; roots may then be empty', () => {
    expect(parseConfig("{}", "c.json").operations).toEqual([]);
    expect(parseConfig('{ "operations": "*" }', "c.json").operations).toBe("*");
    expect(
      parseConfig('{ "operations": ["get_profile", "bulk_create_catalog_items"] }', "c.json"),
    ).toMatchObject({ roots: [SEED], operations: ["get_profile", "bulk_create_catalog_items"] });
    expect(parseConfig('{ "roots": [], "operations": ["get_profile"] }', "c.json").roots).toEqual(
      [],
    );
    expect(() => parseConfig('{ "roots": [], "operations": [] }', "c.json")).toThrow(
      'c.json: /roots: expected "*" or a non-empty list of schema names (empty only beside a non-empty "operations")',
    );
    expect(() => parseConfig('{ "operations": "all" }', "c.json")).toThrow(
      'c.json: /operations: expected "*" or a list of operationIds',
    );
    expect(() => parseConfig('{ "operations": [""] }', "c.json")).toThrow("c.json: /operations:");
  });

  test("an OpenAPI document pinned by commit: repo, path, ref and rawBaseUrl make the raw URL", () => {
    const text = JSON.stringify({
      source: {
        kind: "openapi",
        repo: "klaviyo/openapi",
        path: "openapi/stable.json",
        ref: KLAVIYO_0715,
      },
    });
    const source = parseConfig(text, "c.json").source;
    expect(source).toEqual({
      kind: "openapi",
      repo: "klaviyo/openapi",
      path: "openapi/stable.json",
      ref: KLAVIYO_0715,
      rawBaseUrl: "https://raw.githubusercontent.com",
    });
    expect(openApiLocation(source as OpenApiSourceConfig)).toBe(
      `https://raw.githubusercontent.com/klaviyo/openapi/${KLAVIYO_0715}/openapi/stable.json`,
    );
    // --ref pins it as it pins the github kind; --pin rewrites only the commit.
    expect(chooseSource(source, undefined, "b".repeat(40))).toEqual({
      ...source,
      ref: "b".repeat(40),
    });
    expect(
      JSON.parse(
        pinConfigText(
          { path: "c.json", text, config: parseConfig(text, "c.json") },
          "b".repeat(40),
        ),
      ),
    ).toEqual({ source: { ...JSON.parse(text).source, ref: "b".repeat(40) } });
    // The location form is not pinned by commit.
    const located = { kind: "openapi" as const, location: "stable.json" };
    expect(() => chooseSource(located, undefined, "b".repeat(40))).toThrow(
      "--ref pins a github source, but the source is openapi stable.json (an openapi source is pinned in its repo, path and ref form)",
    );
    const locatedText = '{ "source": { "kind": "openapi", "location": "stable.json" } }';
    expect(() =>
      pinConfigText(
        { path: "c.json", text: locatedText, config: parseConfig(locatedText, "c.json") },
        "b".repeat(40),
      ),
    ).toThrow(
      "c.json: /source: --pin only pins a github source or an openapi source given by repo, path and ref",
    );
  });

  test.each([
    [
      { kind: "openapi", repo: "klaviyo/openapi", path: "openapi/stable.json", ref: "main" },
      'c.json: /source/ref: expected a pinned commit (40 lowercase hex digits), found "main"',
    ],
    [
      { kind: "openapi", repo: "klaviyo", path: "openapi/stable.json", ref: KLAVIYO_0715 },
      'c.json: /source/repo: expected "owner/name", found "klaviyo"',
    ],
    [
      { kind: "openapi", repo: "klaviyo/openapi", path: "../x.json", ref: KLAVIYO_0715 },
      'c.json: /source/path: expected a file path inside the repository, found "../x.json"',
    ],
    [
      { kind: "openapi", repo: "klaviyo/openapi", ref: KLAVIYO_0715 },
      "c.json: /source/path: expected a non-empty string",
    ],
    [
      { kind: "openapi", location: "x.json", ref: KLAVIYO_0715 },
      "c.json: /source/ref: unknown key (expected one of kind, location)",
    ],
    [
      {
        kind: "openapi",
        repo: "klaviyo/openapi",
        path: "p.json",
        ref: KLAVIYO_0715,
        apiBaseUrl: "x",
      },
      "c.json: /source/apiBaseUrl: unknown key (expected one of kind, repo, path, ref, rawBaseUrl)",
    ],
  ])("refuses the openapi source %j", (source, message) => {
    expect(() => parseConfig(JSON.stringify({ source }), "c.json")).toThrow(message);
  });
});

describe("lock", () => {
  const lock: Lock = {
    lockVersion: 1,
    source: { kind: "github", location: "https://raw.example/x/", revision: "c".repeat(40) },
    roots: ["B", "A"],
    syncedAt: "2026-01-01T00:00:00.000Z",
    files: { "b.json": "1".repeat(64), "a.json": "2".repeat(64) },
  };

  test("renders with a fixed key order and files sorted; parses back", () => {
    const text = renderLock(lock);
    expect(Object.keys(JSON.parse(text))).toEqual([
      "lockVersion",
      "source",
      "roots",
      "syncedAt",
      "files",
    ]);
    expect(Object.keys(JSON.parse(text).files)).toEqual(["a.json", "b.json"]);
    expect(parseLock(text, "l.json")).toEqual({
      ...lock,
      files: { "a.json": "2".repeat(64), "b.json": "1".repeat(64) },
    });
    expect(sameApartFromTime(lock, { ...lock, syncedAt: "2030-01-01T00:00:00.000Z" })).toBe(true);
    expect(sameApartFromTime(lock, { ...lock, files: { "a.json": "2".repeat(64) } })).toBe(false);
  });

  test("records the selected operations after roots, and only when some are selected", () => {
    const withOperations = { ...lock, operations: ["b_op", "a_op"] };
    const text = renderLock(withOperations);
    expect(Object.keys(JSON.parse(text))).toEqual([
      "lockVersion",
      "source",
      "roots",
      "operations",
      "syncedAt",
      "files",
    ]);
    expect(parseLock(text, "l.json").operations).toEqual(["b_op", "a_op"]);
    expect(JSON.parse(renderLock({ ...lock, operations: "*" })).operations).toBe("*");
    // None selected: the lock reads as one written before operations were vendored, byte for byte.
    expect(renderLock({ ...lock, operations: [] })).toBe(renderLock(lock));
    expect(sameApartFromTime(lock, { ...lock, operations: [] })).toBe(true);
    expect(sameApartFromTime(lock, withOperations)).toBe(false);
    expect(() => parseLock(text.replace('"b_op"', "7"), "l.json")).toThrow(
      'l.json: /operations: not a lock file: expected "*" or a list of operationIds',
    );
  });

  test.each([
    ["{}", "l.json: /lockVersion: not a lock file: expected 1"],
    [
      '{"lockVersion":1,"source":{"kind":"github","location":"x","revision":"y"},"roots":"*","syncedAt":"t","files":{"a.json":"nope"}}',
      "l.json: /files/a.json: not a lock file: expected a sha256 in hex",
    ],
  ])("refuses a broken lock %s", (text, message) => {
    expectError(() => parseLock(text, "l.json"), message);
  });

  test("the committed schemas.lock.json verifies against the committed schemas/", () => {
    const { lock: committed, differences } = verifySchemas("schemas", "schemas.lock.json");
    expect(differences).toEqual([]);
    expect(Object.keys(committed.files)).toEqual(readdirSync("schemas").sort(byCodeUnit));
    expect(Object.keys(committed.files)).toEqual(
      expect.arrayContaining([
        ...SEED_CLOSURE,
        "klaviyo-bulk_create_catalog_items-operation.json",
        "klaviyo-clienterror-response.json",
        "klaviyo-servererror-response.json",
      ]),
    );
    expect(committed.roots).toEqual([SEED]);
    expect(committed.operations).toEqual(["bulk_create_catalog_items"]);
    expect(committed.source.kind).toBe("folder");
    expect(committed.note).toMatch(/written for this project/);
  });
});

describe("building blocks", () => {
  test('git blob ids are git\'s (git hash-object of "hello\\n")', () => {
    expect(gitBlobId(Buffer.from("hello\n"))).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
  });

  test("mapLimit keeps input order, runs at most `limit` at once, throws the first failure in input order", async () => {
    let running = 0;
    let most = 0;
    const result = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    expect(result).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
    await expectRejection(
      mapLimit([1, 2, 3], 3, async (n) => (n === 1 ? n : Promise.reject(new Error(`bad ${n}`)))),
      "bad 2",
    );
  });

  test("a failed swap leaves the folder and the files as they were", () => {
    const root = tempDir("kst-sync-");
    mkdirSync(join(root, "schemas"));
    writeFileSync(join(root, "schemas", "old.json"), "{}");
    writeFileSync(join(root, "config.json"), "old config");
    // A non-empty folder where the lock should go: renaming a file over it fails after the folder swap.
    mkdirSync(join(root, "lock.json"));
    writeFileSync(join(root, "lock.json", "x"), "x");
    const before = state(root);
    expectError(
      () =>
        vendorAtomically(join(root, "schemas"), new Map([["new.json", Buffer.from("{}")]]), [
          { path: join(root, "config.json"), bytes: "new config" },
          { path: join(root, "lock.json"), bytes: "{}" },
        ]),
      // The errno code is the platform's (EISDIR, ENOTEMPTY, ...).
      new RegExp(
        `^${literally(join(root, "lock.json"))}: cannot replace the file \\(E[A-Z]+\\); nothing was changed$`,
      ),
    );
    expect(state(root)).toEqual(before);
    rmSync(root, { recursive: true, force: true });
  });
});

describe("sync from a loopback GitHub (hand-made set)", () => {
  let server: LoopbackGitHub;
  beforeAll(async () => {
    server = await startLoopbackGitHub({ files: FIXTURE });
  });
  afterAll(() => server.close());

  test("vendors the closure, finding names by title; writes the lock; fetches only what it needs", async () => {
    const root = tempDir("kst-sync-");
    server.requests.length = 0;
    const result = await syncSchemas(options(server, root));
    expect(result.files).toEqual(ROOT_CLOSURE);
    expect(readdirSync(join(root, "schemas")).sort()).toEqual(ROOT_CLOSURE);
    for (const file of ROOT_CLOSURE)
      expect(readFileSync(join(root, "schemas", file))).toEqual(FIXTURE.get(file));
    // The guess for Mid named the decoy, so every file was indexed; a root with a true guess fetches less.
    expect(server.requests.filter((r) => r.includes("/json-schema/")).sort()).toEqual(
      [...FIXTURE.keys()]
        .sort()
        .map((f) => `/api-evangelist/klaviyo/${LOOPBACK_COMMIT}/json-schema/${f}`),
    );
    expect(readFileSync(join(root, "schemas.lock.json"), "utf8")).toBe(
      renderLock({
        lockVersion: 1,
        source: {
          kind: "github",
          location: `${server.baseUrl}/api-evangelist/klaviyo/${LOOPBACK_COMMIT}/json-schema/`,
          revision: LOOPBACK_COMMIT,
        },
        roots: ["Root"],
        syncedAt: "2026-01-02T03:04:05.000Z",
        files: Object.fromEntries(ROOT_CLOSURE.map((f) => [f, sha256(FIXTURE.get(f)!)])),
      }),
    );
    expect(
      verifySchemas(join(root, "schemas"), join(root, "schemas.lock.json")).differences,
    ).toEqual([]);

    server.requests.length = 0;
    const leafOnly = await syncSchemas(options(server, tempDir("kst-sync-"), { roots: ["Leaf"] }));
    expect(leafOnly.files).toEqual(["klaviyo-leaf-schema.json"]);
    expect(server.requests).toEqual([
      `/api/repos/api-evangelist/klaviyo/git/trees/${LOOPBACK_COMMIT}?recursive=1`,
      `/api-evangelist/klaviyo/${LOOPBACK_COMMIT}/json-schema/klaviyo-leaf-schema.json`,
    ]);
    rmSync(root, { recursive: true, force: true });
  });

  test("a second run with the same upstream changes no byte, not even the lock's time", async () => {
    const root = tempDir("kst-sync-");
    await syncSchemas(options(server, root));
    const before = state(root);
    const again = await syncSchemas(options(server, root, { now: T2 }));
    expect(again.wrote).toEqual({ folder: false, lock: false, config: false });
    expect(state(root)).toEqual(before);
    // A new root set rewrites the lock with the new time.
    const all = await syncSchemas(options(server, root, { roots: "*", now: T2 }));
    expect(all.files).toEqual([...FIXTURE.keys()].sort());
    expect(JSON.parse(readFileSync(join(root, "schemas.lock.json"), "utf8"))).toMatchObject({
      roots: "*",
      syncedAt: "2026-02-03T04:05:06.000Z",
    });
    rmSync(root, { recursive: true, force: true });
  });

  test("--pin writes the commit into the config together with the folder and the lock", async () => {
    const root = tempDir("kst-sync-");
    const configPath = join(root, "upstream.config.json");
    writeFileSync(
      configPath,
      JSON.stringify(
        { source: { ...server.source, ref: "a".repeat(40) }, roots: ["Root"] },
        null,
        2,
      ) + "\n",
    );
    const pinned = pinConfigText(readConfig(configPath), server.source.ref);
    const result = await syncSchemas(
      options(server, root, { pinConfig: { path: configPath, bytes: pinned } }),
    );
    expect(result.wrote).toEqual({ folder: true, lock: true, config: true });
    expect(readConfig(configPath).config.source).toEqual(server.source);
    rmSync(root, { recursive: true, force: true });
  });

  test("--frozen passes when the result equals the lock, and fails when it would change it", async () => {
    const root = tempDir("kst-sync-");
    const lockPath = join(root, "schemas.lock.json");
    await expectRejection(
      syncSchemas(options(server, root, { frozen: true })),
      `${lockPath}: --frozen needs a lock file to match, and there is none`,
    );
    await syncSchemas(options(server, root));
    const before = state(root);
    await expect(syncSchemas(options(server, root, { frozen: true }))).resolves.toMatchObject({
      wrote: { folder: false, lock: false },
    });
    await expectRejection(
      syncSchemas(options(server, root, { frozen: true, roots: ["Leaf"] })),
      `${lockPath}: --frozen: the result differs from the lock (0 files added, 2 removed; klaviyo-root-schema.json is no longer vendored)`,
    );
    // The same files at another commit (a server that serves that commit, so the fetch itself succeeds).
    const other = await startLoopbackGitHub({ files: FIXTURE, commit: "d".repeat(40) });
    try {
      await expectRejection(
        syncSchemas(options(other, root, { frozen: true })),
        `${lockPath}: --frozen: the lock pins github revision ${LOOPBACK_COMMIT}, but the source is github revision ${"d".repeat(40)}`,
      );
    } finally {
      await other.close();
    }
    expect(state(root)).toEqual(before);
    rmSync(root, { recursive: true, force: true });
  });

  const big = Buffer.from(JSON.stringify({ title: "Leaf", description: "x".repeat(200_000) }));
  const failures: [
    string,
    {
      files?: Map<string, Buffer>;
      overrides?: [string, Override][];
      listing?: Override;
      truncated?: boolean;
      extra?: Partial<SyncOptions>;
    },
    /** The whole message, from the server that failed (a RegExp, anchored, where the JS engine words part of it). */
    (bad: LoopbackGitHub, lockPath: string) => string | RegExp,
  ][] = [
    [
      "HTTP 404 on a file",
      { overrides: [["klaviyo-leaf-schema.json", { status: 404 }]] },
      (bad) => `${rawUrl(bad, "klaviyo-leaf-schema.json")}: HTTP 404 Not Found`,
    ],
    [
      "HTTP 500 on the listing",
      { listing: { status: 500 } },
      (bad) => `${listingUrl(bad)}: HTTP 500 Internal Server Error`,
    ],
    [
      "a timeout (no answer)",
      {
        overrides: [["klaviyo-leaf-schema.json", { hang: true }]],
        extra: { limits: { timeoutMs: 300, maxBytes: 1 << 20 } },
      },
      (bad) => `${rawUrl(bad, "klaviyo-leaf-schema.json")}: timed out after 300 ms (--timeout)`,
    ],
    [
      "a timeout (the body stalls)",
      {
        overrides: [["klaviyo-leaf-schema.json", { stall: true }]],
        extra: { limits: { timeoutMs: 300, maxBytes: 1 << 20 } },
      },
      (bad) => `${rawUrl(bad, "klaviyo-leaf-schema.json")}: timed out after 300 ms (--timeout)`,
    ],
    [
      "a response over the bound (Content-Length)",
      {
        overrides: [["klaviyo-leaf-schema.json", { body: big }]],
        extra: { limits: { timeoutMs: 10_000, maxBytes: 65_536 } },
      },
      (bad) =>
        `${rawUrl(bad, "klaviyo-leaf-schema.json")}: response too large: ${big.byteLength} bytes, over the bound of 65536 bytes (--max-bytes)`,
    ],
    [
      "a response over the bound (chunked)",
      {
        overrides: [["klaviyo-leaf-schema.json", { body: big, chunked: true }]],
        extra: { limits: { timeoutMs: 10_000, maxBytes: 65_536 } },
      },
      (bad) =>
        `${rawUrl(bad, "klaviyo-leaf-schema.json")}: response too large: more than 65536 bytes, over the bound of 65536 bytes (--max-bytes)`,
    ],
    [
      "malformed JSON",
      {
        files: withFiles({
          "klaviyo-leaf-schema.json": Buffer.from(
            '{\n  "title": "Leaf",\n  "type": "string"\n  "x": 1\n}',
          ),
        }),
      },
      (bad) =>
        `${rawUrl(bad, "klaviyo-leaf-schema.json")}:4:3: malformed JSON: expected ',' or '}' after property value, found "\\""`,
    ],
    [
      "malformed JSON in the listing",
      { listing: { body: "{ not json" } },
      (bad) => new RegExp(`^${literally(listingUrl(bad))}: malformed JSON: \\S.*$`),
    ],
    [
      "a $ref whose target upstream does not have",
      { files: withFiles({ "klaviyo-leaf-schema.json": undefined }) },
      (bad) =>
        `${rawUrl(bad, "klaviyo-root-schema.json")}: /properties/leaf/$ref: $ref "#/components/schemas/Leaf" points at no schema named "Leaf" upstream (searched 4 files at ${rawUrl(bad, "")})`,
    ],
    [
      "a remote $ref",
      {
        files: withFiles({
          "klaviyo-leaf-schema.json": schemaText("Leaf", { $ref: "https://example.com/x.json" }),
        }),
      },
      (bad) =>
        `${rawUrl(bad, "klaviyo-leaf-schema.json")}: /$ref: $ref "https://example.com/x.json" is a URL: only references inside the schema set are followed`,
    ],
    [
      "a root upstream does not have",
      { extra: { roots: ["Root", "Nope"] } },
      (bad) =>
        `${rawUrl(bad, "")}: root schema "Nope" is not upstream: no file declares it (searched 5 files at ${rawUrl(bad, "")})`,
    ],
    [
      "content that does not match the listing's blob id",
      {
        overrides: [["klaviyo-leaf-schema.json", { body: schemaText("Leaf", { type: "number" }) }]],
      },
      (bad) =>
        `${rawUrl(bad, "klaviyo-leaf-schema.json")}: hash mismatch: content has git blob id ${gitBlobId(schemaText("Leaf", { type: "number" }))}, but commit ${LOOPBACK_COMMIT} lists ${gitBlobId(FIXTURE.get("klaviyo-leaf-schema.json")!)} (${listingUrl(bad)})`,
    ],
    [
      "the same commit with other bytes than the lock pins",
      { files: withFiles({ "klaviyo-leaf-schema.json": schemaText("Leaf", { type: "number" }) }) },
      (bad, lockPath) =>
        `${rawUrl(bad, "klaviyo-leaf-schema.json")}: hash mismatch: sha256 ${sha256(schemaText("Leaf", { type: "number" }))}, but ${lockPath} pins ${sha256(FIXTURE.get("klaviyo-leaf-schema.json")!)} for the same github revision ${LOOPBACK_COMMIT}`,
    ],
    [
      "a truncated listing",
      { truncated: true },
      (bad) =>
        `${listingUrl(bad)}: the git tree listing is truncated by GitHub; the folder cannot be listed completely`,
    ],
    [
      "two files declaring one name",
      {
        files: withFiles({ "klaviyo-unrelated-schema.json": schemaText("Leaf", {}) }),
        extra: { roots: "*" },
      },
      (bad) =>
        `${rawUrl(bad, "klaviyo-unrelated-schema.json")}: schema name "Leaf" is also declared by ${rawUrl(bad, "klaviyo-leaf-schema.json")}`,
    ],
  ];

  test.each(failures)(
    "%s: a one-line error, and the folder, lock and config stay byte for byte",
    async (_, setup, message) => {
      const root = tempDir("kst-sync-");
      await syncSchemas(options(server, root)); // pre-populate from the good upstream
      const configPath = join(root, "upstream.config.json");
      writeFileSync(
        configPath,
        JSON.stringify({ source: { ...server.source, ref: "a".repeat(40) } }),
      );
      const pinConfig = {
        path: configPath,
        bytes: pinConfigText(readConfig(configPath), LOOPBACK_COMMIT),
      };
      const before = state(root);
      const bad = await startLoopbackGitHub({
        files: setup.files ?? FIXTURE,
        overrides: new Map(setup.overrides ?? []),
        ...(setup.listing ? { listing: setup.listing } : {}),
        truncated: setup.truncated ?? false,
      });
      try {
        const error = await syncSchemas({
          ...options(bad, root, { now: T2, pinConfig }),
          ...setup.extra,
        }).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error?.name).toBe("SchemaError");
        const expected = message(bad, join(root, "schemas.lock.json"));
        if (typeof expected === "string") expect(error?.message).toBe(expected);
        else {
          expect(expected.source).toMatch(/^\^.*\$$/);
          expect(error?.message).toMatch(expected);
        }
        expect(error?.message).not.toContain("\n");
      } finally {
        await bad.close();
      }
      expect(state(root)).toEqual(before);
      rmSync(root, { recursive: true, force: true });
    },
  );

  test("an OpenAPI document: split per schema; a schema name with a slash cannot write outside the folder", async () => {
    const root = tempDir("kst-sync-");
    const document = (schemas: object) => {
      const path = join(root, `openapi-${Object.keys(schemas).length}.json`);
      writeFileSync(
        path,
        JSON.stringify({
          openapi: "3.0.2",
          info: { title: "t", version: "v1" },
          components: { schemas },
        }),
      );
      return path;
    };
    const good = document({
      Root: { type: "object", properties: { leaf: { $ref: "#/components/schemas/Leaf" } } },
      Leaf: { type: "string" },
      Other: { type: "number" },
    });
    const result = await syncSchemas({
      source: { kind: "openapi", location: good },
      roots: ["Root"],
      outDir: join(root, "schemas"),
      lockPath: join(root, "schemas.lock.json"),
    });
    expect(result.files).toEqual(["klaviyo-leaf-schema.json", "klaviyo-root-schema.json"]);
    expect(result.source).toMatchObject({ kind: "openapi", location: good, apiVersion: "v1" });
    expect(
      JSON.parse(readFileSync(join(root, "schemas", "klaviyo-leaf-schema.json"), "utf8")),
    ).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "#/components/schemas/Leaf",
      title: "Leaf",
      type: "string",
    });

    const before = state(root);
    const hostile = document({ "x/../../../escape": { type: "string" } });
    const after = { ...before, names: [...before.names, "openapi-1.json"].sort() };
    await expectRejection(
      syncSchemas({
        source: { kind: "openapi", location: hostile },
        roots: "*",
        outDir: join(root, "schemas"),
        lockPath: join(root, "schemas.lock.json"),
      }),
      `${hostile}: /components/schemas/x~1..~1..~1..~1escape: not a component name: OpenAPI allows only letters, digits, '.', '-' and '_'`,
    );
    expect(state(root)).toEqual({
      ...after,
      files: { ...before.files, "openapi-1.json": readFileSync(hostile, "base64") },
    });
    expect(readdirSync(join(root, ".."))).not.toContain("escape-schema.json");
    rmSync(root, { recursive: true, force: true });
  });

  test("an output folder holding other files is refused, and left as it was", async () => {
    const root = tempDir("kst-sync-");
    mkdirSync(join(root, "project"));
    writeFileSync(join(root, "project", "package.json"), "{}");
    writeFileSync(join(root, "project", "README.md"), "keep me");
    const before = snapshotFolder(root);
    await expectRejection(
      syncSchemas(options(server, root, { outDir: join(root, "project") })),
      `${join(root, "project")}: refusing to replace this folder: it holds files that are not schema files (README.md)`,
    );
    expect(snapshotFolder(root)).toEqual(before);
    rmSync(root, { recursive: true, force: true });
  });

  test("a network error (nothing listening): a one-line error, nothing touched", async () => {
    const root = tempDir("kst-sync-");
    await syncSchemas(options(server, root));
    const before = state(root);
    const gone = await startLoopbackGitHub({ files: FIXTURE });
    await gone.close();
    await expectRejection(
      syncSchemas(options(gone, root)),
      `${listingUrl(gone)}: network error (ECONNREFUSED)`,
    );
    expect(state(root)).toEqual(before);
    rmSync(root, { recursive: true, force: true });
  });
});

/** A small OpenAPI document with every vendored kind; each test gets a fresh copy to change. */
function openApiDocument() {
  return {
    openapi: "3.0.2",
    info: { title: "t", version: "v1" },
    paths: {
      "/api/items/{id}": {
        summary: "dropped with the path item",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        get: {
          operationId: "get_item",
          parameters: [{ $ref: "#/components/parameters/Revision" }],
          responses: {
            "200": {
              description: "ok",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } },
            },
            "4XX": { $ref: "#/components/responses/ClientError" },
          },
        },
        delete: { operationId: "delete_item", responses: { "204": { description: "gone" } } },
      },
      "/api/items": {
        post: {
          operationId: "create_item",
          requestBody: { $ref: "#/components/requestBodies/NewItem" },
          responses: {
            "201": { description: "made" },
            "4XX": { $ref: "#/components/responses/ClientError" },
          },
        },
      },
    },
    components: {
      schemas: {
        Item: { type: "object", properties: { tag: { $ref: "#/components/schemas/Tag" } } },
        Tag: { type: "string" },
        Error: { type: "object", properties: { detail: { type: "string" } } },
        Unused: { type: "integer" },
      },
      responses: {
        ClientError: {
          description: "client error",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
      parameters: {
        Revision: { name: "revision", in: "header", required: true, schema: { type: "string" } },
      },
      requestBodies: {
        NewItem: {
          content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } },
        },
      },
      securitySchemes: { Key: { type: "apiKey", in: "header", name: "Authorization" } },
    },
  };
}
type OpenApiDocument = ReturnType<typeof openApiDocument>;

const GET_ITEM_CLOSURE = [
  "klaviyo-clienterror-response.json",
  "klaviyo-error-schema.json",
  "klaviyo-get_item-operation.json",
  "klaviyo-item-schema.json",
  "klaviyo-revision-parameter.json",
  "klaviyo-tag-schema.json",
];
const EVERY_OPERATION = [
  ...GET_ITEM_CLOSURE,
  "klaviyo-create_item-operation.json",
  "klaviyo-delete_item-operation.json",
  "klaviyo-newitem-request-body.json",
].sort();

describe("operations (hand-made OpenAPI documents and folders)", () => {
  let docs: string;
  beforeAll(() => {
    docs = tempDir("kst-sync-docs-");
  });
  afterAll(() => rmSync(docs, { recursive: true, force: true }));
  let count = 0;
  const write = (document: unknown) => {
    const path = join(docs, `openapi-${++count}.json`);
    writeFileSync(path, JSON.stringify(document, null, 2));
    return path;
  };
  const sync = (root: string, location: string, extra: Partial<SyncOptions> = {}) =>
    syncSchemas({
      source: { kind: "openapi", location },
      roots: [],
      operations: ["get_item"],
      outDir: join(root, "schemas"),
      lockPath: join(root, "schemas.lock.json"),
      now: T1,
      ...extra,
    });
  const read = (root: string, file: string) =>
    JSON.parse(readFileSync(join(root, "schemas", file), "utf8"));

  test("an operation brings the components it references and their schemas, each in its file", async () => {
    const root = tempDir("kst-sync-");
    const location = write(openApiDocument());
    const result = await sync(root, location);
    expect(result.files).toEqual(GET_ITEM_CLOSURE);
    expect(readdirSync(join(root, "schemas")).sort()).toEqual(GET_ITEM_CLOSURE);
    expect(result.kinds).toEqual({
      schema: 3,
      response: 1,
      parameter: 1,
      requestBody: 0,
      operation: 1,
    });
    expect(result.noOperations).toBe(false);
    const doc = openApiDocument();
    expect(readFileSync(join(root, "schemas", "klaviyo-get_item-operation.json"), "utf8")).toBe(
      JSON.stringify(
        {
          $id: "#/paths/~1api~1items~1{id}/get",
          operationId: "get_item",
          parameters: [
            ...doc.paths["/api/items/{id}"].parameters,
            ...doc.paths["/api/items/{id}"].get.parameters,
          ],
          responses: doc.paths["/api/items/{id}"].get.responses,
        },
        null,
        2,
      ) + "\n",
    );
    expect(read(root, "klaviyo-clienterror-response.json")).toEqual({
      $id: "#/components/responses/ClientError",
      ...doc.components.responses.ClientError,
    });
    expect(read(root, "klaviyo-revision-parameter.json")).toEqual({
      $id: "#/components/parameters/Revision",
      ...doc.components.parameters.Revision,
    });
    expect(read(root, "klaviyo-error-schema.json")).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "#/components/schemas/Error",
      title: "Error",
      ...doc.components.schemas.Error,
    });
    const lock = JSON.parse(readFileSync(join(root, "schemas.lock.json"), "utf8"));
    expect(lock).toMatchObject({ roots: [], operations: ["get_item"] });
    expect(lock.files).toEqual(
      Object.fromEntries(
        GET_ITEM_CLOSURE.map((f) => [f, sha256(readFileSync(join(root, "schemas", f)))]),
      ),
    );

    // Every operation: the request body too; a component nothing references is not vendored.
    const every = await sync(root, location, { operations: "*" });
    expect(every.files).toEqual(EVERY_OPERATION);
    expect(read(root, "klaviyo-newitem-request-body.json")).toEqual({
      $id: "#/components/requestBodies/NewItem",
      ...doc.components.requestBodies.NewItem,
    });
    // With roots "*" every schema comes too.
    const all = await sync(root, location, { roots: "*", operations: "*" });
    expect(all.files).toEqual([...EVERY_OPERATION, "klaviyo-unused-schema.json"].sort());
    rmSync(root, { recursive: true, force: true });
  });

  test("no operations selected: the document is read for its schemas only, as before", async () => {
    const root = tempDir("kst-sync-");
    const doc = openApiDocument();
    // Without operations an operation's missing operationId is not looked at.
    delete (doc.paths["/api/items"].post as { operationId?: string }).operationId;
    const result = await sync(root, write(doc), { roots: ["Item"], operations: [] });
    expect(result.files).toEqual(["klaviyo-item-schema.json", "klaviyo-tag-schema.json"]);
    expect(result.upstreamCount).toBe(4);
    expect(
      Object.keys(JSON.parse(readFileSync(join(root, "schemas.lock.json"), "utf8"))),
    ).not.toContain("operations");
    rmSync(root, { recursive: true, force: true });
  });

  test("a folder holding operation files in the layout vendors them as the document does", async () => {
    const [fromDoc, fromFolder, again] = [
      tempDir("kst-sync-"),
      tempDir("kst-sync-"),
      tempDir("kst-sync-"),
    ];
    const location = write(openApiDocument());
    await sync(fromDoc, location, { roots: "*", operations: "*" });
    const folder = join(fromDoc, "schemas");
    const result = await sync(fromFolder, location, {
      source: { kind: "folder", path: folder },
    });
    expect(result.files).toEqual(GET_ITEM_CLOSURE);
    const direct = await sync(again, location);
    expect(snapshotFolder(join(fromFolder, "schemas"))).toEqual(
      snapshotFolder(join(again, "schemas")),
    );
    expect(direct.files).toEqual(result.files);
    rmSync(fromDoc, { recursive: true, force: true });
    rmSync(fromFolder, { recursive: true, force: true });
    rmSync(again, { recursive: true, force: true });
  });

  test("the lock hashes operation files: --verify catches a tampered one, --frozen holds operations to the lock", async () => {
    const root = tempDir("kst-sync-");
    const location = write(openApiDocument());
    await sync(root, location, { operations: "*" });
    const lockPath = join(root, "schemas.lock.json");
    const before = state(root);
    await expect(
      sync(root, location, { operations: "*", frozen: true, now: T2 }),
    ).resolves.toMatchObject({
      wrote: { folder: false, lock: false, config: false },
    });
    await expect(sync(root, location, { operations: ["get_item"], frozen: true })).rejects.toThrow(
      `${lockPath}: --frozen: the result differs from the lock (0 files added, 3 removed; klaviyo-create_item-operation.json is no longer vendored)`,
    );
    const more = openApiDocument();
    (more.paths["/api/items"] as Record<string, unknown>)["put"] = {
      operationId: "put_item",
      responses: {},
    };
    await expect(sync(root, write(more), { operations: "*", frozen: true })).rejects.toThrow(
      "--frozen: the lock pins openapi revision sha256:",
    );
    expect(state(root)).toEqual(before);

    const file = join(root, "schemas", "klaviyo-delete_item-operation.json");
    const original = readFileSync(file);
    writeFileSync(file, original.toString("utf8").replace('"gone"', '"went"'));
    expect(verifySchemas(join(root, "schemas"), lockPath).differences).toEqual([
      {
        file: "klaviyo-delete_item-operation.json",
        problem: "mismatch",
        expected: sha256(original),
        actual: sha256(readFileSync(file)),
      },
    ]);
    rmSync(root, { recursive: true, force: true });
  });

  // With every operation selected they are walked in operationId order: the first to fail names the place.
  const documentFailures: [
    string,
    (doc: OpenApiDocument) => void,
    Partial<SyncOptions>,
    (doc: string) => string,
  ][] = [
    [
      "an operation without an operationId",
      (doc) => {
        delete (doc.paths["/api/items"].post as { operationId?: string }).operationId;
      },
      {},
      (doc) =>
        `${doc}: /paths/~1api~1items/post: operation without an operationId: sync names each operation's file by its operationId`,
    ],
    [
      "two operations with one operationId",
      (doc) => {
        doc.paths["/api/items"].post.operationId = "delete_item";
      },
      {},
      (doc) =>
        `${doc}: /paths/~1api~1items/post/operationId: duplicate operationId "delete_item": /paths/~1api~1items~1{id}/delete has it too`,
    ],
    [
      "a $ref to a response the document lacks",
      (doc) => {
        delete (doc.components.responses as { ClientError?: unknown }).ClientError;
      },
      {},
      (doc) =>
        `${doc}#/paths/~1api~1items/post: /responses/4XX/$ref: $ref "#/components/responses/ClientError" points at no response named "ClientError" upstream (searched 9 files at ${doc})`,
    ],
    [
      "a $ref to a parameter the document lacks, from a path-level parameter",
      (doc) => {
        doc.paths["/api/items/{id}"].parameters = [
          { $ref: "#/components/parameters/Nope" },
        ] as never;
      },
      {},
      (doc) =>
        `${doc}#/paths/~1api~1items~1{id}/delete: /parameters/0/$ref: $ref "#/components/parameters/Nope" points at no parameter named "Nope" upstream`,
    ],
    [
      "a $ref from a response component to a schema the document lacks",
      (doc) => {
        delete (doc.components.schemas as { Error?: unknown }).Error;
      },
      {},
      (doc) =>
        `${doc}#/components/responses/ClientError: /content/application~1json/schema/$ref: $ref "#/components/schemas/Error" points at no schema named "Error" upstream`,
    ],
    [
      "a $ref to a kind of component sync does not vendor",
      (doc) => {
        (doc.components.responses.ClientError as Record<string, unknown>)["headers"] = {
          "X-Rate": { $ref: "#/components/headers/Rate" },
        };
      },
      {},
      (doc) =>
        `${doc}#/components/responses/ClientError: /headers/X-Rate/$ref: $ref "#/components/headers/Rate" points at a component in components.headers, which sync does not vendor`,
    ],
    [
      "a $ref out of the document",
      (doc) => {
        doc.paths["/api/items/{id}"].get.responses["200"].content["application/json"].schema.$ref =
          "https://example.com/item.json";
      },
      {},
      (doc) =>
        `${doc}#/paths/~1api~1items~1{id}/get: /responses/200/content/application~1json/schema/$ref: $ref "https://example.com/item.json" is a URL`,
    ],
    [
      "an operationId the document lacks",
      () => {},
      { operations: ["get_item", "nope"] },
      (doc) =>
        `${doc}: operation "nope" is not upstream: no file declares that operationId (searched 10 files at ${doc})`,
    ],
  ];

  test.each(documentFailures)(
    "%s: a one-line error, and the folder and the lock stay byte for byte",
    async (_, change, extra, message) => {
      const root = tempDir("kst-sync-");
      await sync(root, write(openApiDocument()), { operations: "*" });
      const before = state(root);
      const doc = openApiDocument();
      change(doc);
      const location = write(doc);
      const error = await sync(root, location, { operations: "*", now: T2, ...extra }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.name).toBe("SchemaError");
      expect(error?.message).toContain(message(location));
      expect(error?.message).not.toContain("\n");
      expect(state(root)).toEqual(before);
      rmSync(root, { recursive: true, force: true });
    },
  );

  const operationFile = (id: string | undefined, path = "/api/x", method = "get") =>
    Buffer.from(
      JSON.stringify(
        {
          $id: `#/paths/${path.replace(/\//g, "~1")}/${method}`,
          ...(id ? { operationId: id } : {}),
          responses: {},
        },
        null,
        2,
      ),
    );
  const folderFailures: [string, Record<string, Buffer>, string][] = [
    [
      "an operation file without an operationId",
      { "klaviyo-x-operation.json": operationFile(undefined) },
      'klaviyo-x-operation.json: /operationId: an operation file needs an operationId (its $id "#/paths/~1api~1x/get" names an operation)',
    ],
    [
      "two operation files with one operationId",
      {
        "klaviyo-x-operation.json": operationFile("x"),
        "other-operation.json": operationFile("x", "/api/y"),
      },
      'other-operation.json: operationId "x" is also declared by',
    ],
    [
      "two operation files for one place",
      {
        "klaviyo-x-operation.json": operationFile("x"),
        "klaviyo-y-operation.json": operationFile("y"),
      },
      "klaviyo-y-operation.json: /$id: the operation #/paths/~1api~1x/get is also declared by",
    ],
    [
      "an operationId that is no file name",
      { "klaviyo-x-operation.json": operationFile("a/b") },
      `klaviyo-x-operation.json: /operationId: operationId "a/b" is not usable as a file name`,
    ],
    [
      "a response whose $id names no component",
      {
        "klaviyo-x-response.json": Buffer.from(
          '{ "$id": "#/components/responses/a%20b", "description": "x" }',
        ),
      },
      "klaviyo-x-response.json: /$id: not a component name",
    ],
    [
      "a file whose $id is no place sync vendors",
      { "klaviyo-x-operation.json": Buffer.from('{ "$id": "#/components/headers/X" }') },
      'klaviyo-x-operation.json: /$id: "#/components/headers/X" is no place sync vendors',
    ],
  ];

  test.each(folderFailures)(
    "a folder with %s: a one-line error, nothing written",
    async (_, files, message) => {
      const root = tempDir("kst-sync-");
      const folder = join(root, "upstream");
      mkdirSync(folder);
      writeFileSync(
        join(folder, "klaviyo-leaf-schema.json"),
        FIXTURE.get("klaviyo-leaf-schema.json")!,
      );
      for (const [name, bytes] of Object.entries(files)) writeFileSync(join(folder, name), bytes);
      const before = state(root);
      await expect(
        syncSchemas({
          source: { kind: "folder", path: folder },
          roots: ["Leaf"],
          operations: "*",
          outDir: join(root, "schemas"),
          lockPath: join(root, "schemas.lock.json"),
        }),
      ).rejects.toThrow(message);
      expect(state(root)).toEqual(before);
      rmSync(root, { recursive: true, force: true });
    },
  );
});

describe("the sync CLI (a subprocess against the loopback server)", () => {
  let server: LoopbackGitHub;
  let root: string;
  beforeAll(async () => {
    server = await startLoopbackGitHub({ files: FIXTURE });
    root = tempDir("kst-sync-cli-");
    writeFileSync(
      join(root, "good.json"),
      JSON.stringify({ source: server.source, roots: ["Root"] }),
    );
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  // Asynchronous: the loopback server lives in this process and must keep answering while the CLI runs.
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        "npx",
        ["tsx", "scripts/sync.ts", ...args],
        { env: { ...process.env, GITHUB_TOKEN: "" } },
        (error, stdout, stderr) => {
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
        },
      );
    });
  const paths = () => ["--out", join(root, "schemas"), "--lock", join(root, "schemas.lock.json")];

  test("vendors, verifies, and reports a tampered file with exit 1", async () => {
    const ok = await run(["--config", join(root, "good.json"), ...paths(), "--quiet"]);
    expect(ok).toMatchObject({ code: 0, stderr: "" });
    expect(ok.stdout).toMatch(
      /^sync: 3 of 5 schemas from github http:\/\/127\.0\.0\.1:\d+\/api-evangelist\/klaviyo\/2ed7729f40aa23cac145e1e784890caf59205093\/json-schema\/ @ 2ed7729f40aa23cac145e1e784890caf59205093 → wrote .*schemas\/, .*schemas\.lock\.json in \d+\.\d\ds\n$/,
    );
    expect(readdirSync(join(root, "schemas")).sort()).toEqual(ROOT_CLOSURE);

    const verified = await run(["--verify", ...paths()]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(
      /matches .*schemas\.lock\.json \(3 files, github 2ed7729f40aa23cac145e1e784890caf59205093\)/,
    );

    writeFileSync(join(root, "schemas", "odd-name.json"), "{}");
    rmSync(join(root, "schemas", "klaviyo-leaf-schema.json"));
    writeFileSync(join(root, "schemas", "stray.json"), "{}");
    const tampered = await run(["--verify", ...paths()]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout.split("\n").filter((l) => l.startsWith("  "))).toEqual([
      `  ${root}/schemas/klaviyo-leaf-schema.json: missing (in the lock, not on disk)`,
      `  ${root}/schemas/odd-name.json: mismatch (sha256 ${sha256("{}")}, lock has ${sha256(FIXTURE.get("odd-name.json")!)})`,
      `  ${root}/schemas/stray.json: extra (on disk, not in the lock)`,
    ]);
    expect(tampered.stdout).toContain("does not match");
  });

  test("an HTTP error: exit 1, one error line naming the URL, nothing touched", async () => {
    const sub = join(root, "untouched");
    mkdirSync(join(sub, "schemas"), { recursive: true });
    writeFileSync(join(sub, "schemas", "keep.json"), "{}");
    writeFileSync(
      join(sub, "schemas.lock.json"),
      renderLock({
        lockVersion: 1,
        source: { kind: "folder", location: "x", revision: "sha256:0" },
        roots: ["Keep"],
        syncedAt: "2026-01-01T00:00:00.000Z",
        files: { "keep.json": sha256("{}") },
      }),
    );
    const before = state(sub);
    // The root's file is listed, but the server answers 404 for it.
    const broken = await startLoopbackGitHub({
      files: FIXTURE,
      overrides: new Map([["klaviyo-root-schema.json", { status: 404 }]]),
    });
    try {
      writeFileSync(
        join(root, "bad.json"),
        JSON.stringify({ source: broken.source, roots: ["Root"] }),
      );
      const failed = await run([
        "--config",
        join(root, "bad.json"),
        "--out",
        join(sub, "schemas"),
        "--lock",
        join(sub, "schemas.lock.json"),
        "--quiet",
      ]);
      expect(failed.code).toBe(1);
      expect(failed.stdout).toBe("");
      expect(failed.stderr).toBe(
        `sync: error: ${broken.baseUrl}/api-evangelist/klaviyo/${LOOPBACK_COMMIT}/json-schema/klaviyo-root-schema.json: HTTP 404 Not Found\n`,
      );
    } finally {
      await broken.close();
    }
    expect(state(sub)).toEqual(before);
  });

  test("operations from a source that has none: schemas only, and the line says so; a named one is an error", async () => {
    const out = (name: string) => [
      "--out",
      join(root, name, "schemas"),
      "--lock",
      join(root, name, "schemas.lock.json"),
    ];
    const every = await run([
      "--config",
      join(root, "good.json"),
      ...out("ops"),
      "--operations",
      "*",
      "--quiet",
    ]);
    expect(every).toMatchObject({ code: 0, stderr: "" });
    expect(every.stdout).toMatch(
      /^sync: 3 of 5 files \(3 schemas; this source brought no operations\) from github http:\/\/127\.0\.0\.1:\d+\/\S+ @ 2ed7729f40aa23cac145e1e784890caf59205093 → wrote .*schemas\/, .*schemas\.lock\.json in \d+\.\d\ds\n$/,
    );
    expect(readdirSync(join(root, "ops", "schemas")).sort()).toEqual(ROOT_CLOSURE);
    expect(
      JSON.parse(readFileSync(join(root, "ops", "schemas.lock.json"), "utf8")).operations,
    ).toBe("*");

    const named = await run([
      "--config",
      join(root, "good.json"),
      ...out("named"),
      "--operations",
      "get_profile",
      "--quiet",
    ]);
    const location = `${server.baseUrl}/api-evangelist/klaviyo/${LOOPBACK_COMMIT}/json-schema/`;
    expect(named).toEqual({
      code: 1,
      stdout: "",
      stderr: `sync: error: ${location}: operation "get_profile" is not upstream: this source has no operations (searched 5 files at ${location})\n`,
    });
    expect(readdirSync(root)).not.toContain("named");
  });

  test("an OpenAPI document pinned by commit: --ref moves the pin and --pin writes it, with the folder and the lock", async () => {
    const document = Buffer.from(JSON.stringify(openApiDocument()));
    const github = await startLoopbackGitHub({
      owner: "klaviyo",
      repo: "openapi",
      folder: "openapi",
      commit: KLAVIYO_0715,
      files: new Map([["stable.json", document]]),
    });
    const dir = join(root, "pinned");
    mkdirSync(dir);
    const configPath = join(dir, "upstream.config.json");
    const config = {
      $comment: "kept",
      source: {
        kind: "openapi",
        repo: "klaviyo/openapi",
        path: "openapi/stable.json",
        ref: "a".repeat(40),
        rawBaseUrl: github.baseUrl,
      },
      roots: [],
      operations: ["get_item"],
    };
    writeFileSync(configPath, JSON.stringify(config, null, 2) + "\n");
    try {
      const url = `${github.baseUrl}/klaviyo/openapi/${KLAVIYO_0715}/openapi/stable.json`;
      const pinned = await run([
        "--config",
        configPath,
        "--out",
        join(dir, "schemas"),
        "--lock",
        join(dir, "schemas.lock.json"),
        "--ref",
        KLAVIYO_0715,
        "--pin",
        "--quiet",
      ]);
      expect(pinned).toMatchObject({ code: 0, stderr: "" });
      expect(pinned.stdout).toContain(
        `sync: 6 of 10 files (3 schemas, 1 operation, 1 response, 1 parameter) from openapi ${url} @ sha256:${sha256(document)} → wrote`,
      );
      expect(github.requests).toEqual([`/klaviyo/openapi/${KLAVIYO_0715}/openapi/stable.json`]);
      expect(readdirSync(join(dir, "schemas")).sort()).toEqual(GET_ITEM_CLOSURE);
      expect(JSON.parse(readFileSync(configPath, "utf8"))).toEqual({
        ...config,
        source: { ...config.source, ref: KLAVIYO_0715 },
      });
      expect(JSON.parse(readFileSync(join(dir, "schemas.lock.json"), "utf8")).source).toEqual({
        kind: "openapi",
        location: url,
        revision: `sha256:${sha256(document)}`,
        apiVersion: "v1",
      });
      // --pin into a config whose source is of another kind than the one synced is refused.
      const other = await run([
        "--config",
        configPath,
        "--from",
        "github",
        "--ref",
        KLAVIYO_0715,
        "--pin",
      ]);
      expect(other).toMatchObject({
        code: 1,
        stderr: `sync: error: ${configPath}: /source/kind: --pin writes the commit into this config's openapi source, but the source synced is github\n`,
      });
      const located = await run(["--from", "https://example.com/stable.json", "--pin"]);
      expect(located).toMatchObject({
        code: 2,
        stderr:
          "sync: error: --pin needs a github source or an openapi source given by repo, path and ref\n",
      });
    } finally {
      await github.close();
    }
  });

  test("usage errors exit 2; --help lists every option", async () => {
    const both = await run(["--all", "--roots", "A"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe("sync: error: --all and --roots exclude each other\n");
    expect((await run(["--all", "--operations", "a"])).stderr).toBe(
      "sync: error: --all and --operations exclude each other\n",
    );
    expect((await run(["--operations", ","])).stderr).toBe(
      "sync: error: --operations needs at least one operationId\n",
    );
    expect((await run(["--timeout", "soon"])).stderr).toBe(
      "sync: error: --timeout soon: expected a positive whole number\n",
    );
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    for (const option of [
      "--config FILE",
      "--from SOURCE",
      "--ref COMMIT",
      "--pin",
      "--roots A,B",
      "--operations A,B",
      "--all",
      "--out DIR",
      "--lock FILE",
      "--frozen",
      "--note TEXT",
      "--verify",
      "--timeout MS",
      "--max-bytes N",
      "--help",
    ]) {
      expect(help.stdout).toContain(option);
    }
  });
});

describeWithUpstream(
  "sync from a loopback GitHub serving the upstream set",
  UPSTREAM_SET,
  hasUpstreamSet,
  () => {
    let server: LoopbackGitHub;
    let upstream: Map<string, Buffer>;
    beforeAll(async () => {
      upstream = readFolderFiles(UPSTREAM_SET);
      server = await startLoopbackGitHub({ files: upstream });
    });
    afterAll(() => server.close());

    const run = (root: string, extra: Partial<SyncOptions> = {}) =>
      syncSchemas({
        source: server.source,
        roots: [SEED],
        outDir: join(root, "schemas"),
        lockPath: join(root, "schemas.lock.json"),
        now: T1,
        ...extra,
      });

    test("roots = the seed: exactly its closure of 7 files, upstream's bytes, 8 requests, a lock that verifies", async () => {
      const root = tempDir("kst-sync-");
      server.requests.length = 0;
      const result = await run(root);
      expect(result.files).toEqual(SEED_CLOSURE);
      expect(result.upstreamCount).toBe(1194);
      expect(readdirSync(join(root, "schemas")).sort()).toEqual(SEED_CLOSURE);
      for (const file of SEED_CLOSURE)
        expect(readFileSync(join(root, "schemas", file))).toEqual(upstream.get(file));
      expect(server.requests).toHaveLength(1 + 7);
      const lock = JSON.parse(readFileSync(join(root, "schemas.lock.json"), "utf8"));
      expect(lock.source).toEqual({
        kind: "github",
        location: `${server.baseUrl}/api-evangelist/klaviyo/${LOOPBACK_COMMIT}/json-schema/`,
        revision: LOOPBACK_COMMIT,
      });
      expect(lock.files).toEqual(
        Object.fromEntries(SEED_CLOSURE.map((f) => [f, sha256(upstream.get(f)!)])),
      );
      expect(
        verifySchemas(join(root, "schemas"), join(root, "schemas.lock.json")).differences,
      ).toEqual([]);

      // --verify catches a tampered file.
      const file = join(root, "schemas", "klaviyo-objectlinks-schema.json");
      writeFileSync(file, readFileSync(file, "utf8").replace('"self"', '"selfish"'));
      expect(
        verifySchemas(join(root, "schemas"), join(root, "schemas.lock.json")).differences,
      ).toEqual([
        {
          file: "klaviyo-objectlinks-schema.json",
          problem: "mismatch",
          expected: sha256(upstream.get("klaviyo-objectlinks-schema.json")!),
          actual: sha256(readFileSync(file)),
        },
      ]);
      rmSync(root, { recursive: true, force: true });
    });

    test("twice, into two folders: identical bytes in the schema folder and the lock", async () => {
      const [a, b] = [tempDir("kst-sync-"), tempDir("kst-sync-")];
      await run(a);
      await run(b);
      expect(snapshotFolder(a)).toEqual(snapshotFolder(b));
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    });

    test("--all: all 1,194 files, byte for byte upstream's; the lock verifies", async () => {
      const root = tempDir("kst-sync-");
      const result = await run(root, { roots: "*" });
      expect(result.files).toHaveLength(1194);
      const written = readdirSync(join(root, "schemas")).sort();
      expect(written).toEqual([...upstream.keys()].sort());
      for (const file of written)
        expect(readFileSync(join(root, "schemas", file)).equals(upstream.get(file)!)).toBe(true);
      expect(
        verifySchemas(join(root, "schemas"), join(root, "schemas.lock.json")).differences,
      ).toEqual([]);
      rmSync(root, { recursive: true, force: true });
    });

    test("a $ref whose target upstream lacks: the error names the file and the place, nothing is written", async () => {
      const partial = await startLoopbackGitHub({
        files: readFolderFiles(
          UPSTREAM_SET,
          SEED_CLOSURE.filter((f) => f !== "klaviyo-objectlinks-schema.json"),
        ),
      });
      const root = tempDir("kst-sync-");
      try {
        await expectRejection(
          syncSchemas({
            source: partial.source,
            roots: [SEED],
            outDir: join(root, "schemas"),
            lockPath: join(root, "schemas.lock.json"),
          }),
          `${rawUrl(partial, "klaviyo-postcatalogitemcreatejobresponse-schema.json")}: /properties/data/properties/links/$ref: $ref "#/components/schemas/ObjectLinks" points at no schema named "ObjectLinks" upstream (searched 6 files at ${rawUrl(partial, "")})`,
        );
      } finally {
        await partial.close();
      }
      expect(readdirSync(root)).toEqual([]);
      rmSync(root, { recursive: true, force: true });
    });

    test("operations from the JSON Schema folder, which has none: its schemas only, and it says so", async () => {
      const root = tempDir("kst-sync-");
      const lines: string[] = [];
      const result = await run(root, { operations: "*", say: (line) => lines.push(line) });
      expect(result.files).toEqual(SEED_CLOSURE);
      expect(result.noOperations).toBe(true);
      expect(result.kinds).toMatchObject({ schema: 7, operation: 0 });
      expect(lines).toContain(
        "sync: this source brought no operations (it holds none); only schemas are vendored",
      );
      // A named operation it lacks is an error, as a missing root is, and nothing is written.
      const other = tempDir("kst-sync-");
      await expect(run(other, { operations: ["bulk_create_catalog_items"] })).rejects.toThrow(
        `operation "bulk_create_catalog_items" is not upstream: this source has no operations (searched 1194 files at ${server.baseUrl}/`,
      );
      expect(readdirSync(other)).toEqual([]);
      rmSync(root, { recursive: true, force: true });
      rmSync(other, { recursive: true, force: true });
    });

    test("from a local folder: the same closure and the same bytes as over HTTP", async () => {
      const [http, local] = [tempDir("kst-sync-"), tempDir("kst-sync-")];
      await run(http);
      const result = await run(local, { source: { kind: "folder", path: UPSTREAM_SET } });
      expect(result.files).toEqual(SEED_CLOSURE);
      expect(result.source).toMatchObject({
        kind: "folder",
        location: UPSTREAM_SET,
        revision: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      });
      expect(snapshotFolder(join(local, "schemas"))).toEqual(snapshotFolder(join(http, "schemas")));
      expect(
        verifySchemas(join(local, "schemas"), join(local, "schemas.lock.json")).differences,
      ).toEqual([]);
      rmSync(http, { recursive: true, force: true });
      rmSync(local, { recursive: true, force: true });
    });
  },
);

describeWithUpstream("sync from the OpenAPI document", UPSTREAM_OPENAPI, hasUpstreamOpenApi, () => {
  const document = () => readFileSync(UPSTREAM_OPENAPI);
  // The 2026-07-15 seed gains `meta: ResponseMeta`, and ResponseMeta reaches AgentHints.
  const CLOSURE_0715 = [
    ...SEED_CLOSURE,
    "klaviyo-agenthints-schema.json",
    "klaviyo-responsemeta-schema.json",
  ].sort();
  // With bulk_create_catalog_items: its request body's closure and its two error responses.
  const CLOSURE_0715_OPERATION = [
    ...CLOSURE_0715,
    "klaviyo-bulk_create_catalog_items-operation.json",
    "klaviyo-catalogcategoryenum-schema.json",
    "klaviyo-catalogitemcreatejobcreatequery-schema.json",
    "klaviyo-catalogitemcreatejobcreatequeryresourceobject-schema.json",
    "klaviyo-catalogitemcreatequeryresourceobject-schema.json",
    "klaviyo-clienterror-response.json",
    "klaviyo-servererror-response.json",
  ].sort();

  test("from the file: the closure split into upstream's layout, with $schema, $id and title", async () => {
    const root = tempDir("kst-sync-");
    const result = await syncSchemas({
      source: { kind: "openapi", location: UPSTREAM_OPENAPI },
      roots: [SEED],
      outDir: join(root, "schemas"),
      lockPath: join(root, "schemas.lock.json"),
      now: T1,
    });
    expect(result.files).toEqual(CLOSURE_0715);
    expect(result.upstreamCount).toBe(1290);
    expect(result.source).toEqual({
      kind: "openapi",
      location: UPSTREAM_OPENAPI,
      revision: `sha256:${sha256(document())}`,
      apiVersion: "2026-07-15",
    });
    const seed = JSON.parse(
      readFileSync(
        join(root, "schemas", "klaviyo-postcatalogitemcreatejobresponse-schema.json"),
        "utf8",
      ),
    );
    expect(Object.keys(seed).slice(0, 3)).toEqual(["$schema", "$id", "title"]);
    expect(seed).toMatchObject({
      $id: `#/components/schemas/${SEED}`,
      title: SEED,
      properties: { meta: { $ref: "#/components/schemas/ResponseMeta" } },
    });
    expect(
      verifySchemas(join(root, "schemas"), join(root, "schemas.lock.json")).differences,
    ).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });

  test("from a URL (served by the loopback server): the same files as from the file", async () => {
    const server = await startLoopbackGitHub({ files: new Map([["stable.json", document()]]) });
    const [fromUrl, fromFile] = [tempDir("kst-sync-"), tempDir("kst-sync-")];
    try {
      const url = `${server.source.rawBaseUrl}/api-evangelist/klaviyo/${LOOPBACK_COMMIT}/json-schema/stable.json`;
      const result = await syncSchemas({
        source: { kind: "openapi", location: url },
        roots: [SEED],
        outDir: join(fromUrl, "schemas"),
        lockPath: join(fromUrl, "l.json"),
      });
      expect(result.source.location).toBe(url);
      await syncSchemas({
        source: { kind: "openapi", location: UPSTREAM_OPENAPI },
        roots: [SEED],
        outDir: join(fromFile, "schemas"),
        lockPath: join(fromFile, "l.json"),
      });
      expect(snapshotFolder(join(fromUrl, "schemas"))).toEqual(
        snapshotFolder(join(fromFile, "schemas")),
      );
      // The document is 3 MB: a 1 MB bound refuses it, and nothing is written.
      await expectRejection(
        syncSchemas({
          source: { kind: "openapi", location: url },
          roots: [SEED],
          outDir: join(fromUrl, "other"),
          lockPath: join(fromUrl, "other.json"),
          limits: { timeoutMs: 30_000, maxBytes: 1 << 20 },
        }),
        `${url}: response too large: ${document().byteLength} bytes, over the bound of 1048576 bytes (--max-bytes)`,
      );
      expect(readdirSync(fromUrl).sort()).toEqual(["l.json", "schemas"]);
    } finally {
      await server.close();
      rmSync(fromUrl, { recursive: true, force: true });
      rmSync(fromFile, { recursive: true, force: true });
    }
  });
  const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
  /** The document's operations, counted and listed straight from it (not through the layout module). */
  const documentOperations = (doc: {
    paths: Record<string, Record<string, { operationId: string }>>;
  }) =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m] !== undefined).map((method) => ({
        path,
        method,
        operation: item[method]!,
      })),
    );

  test("--roots the seed --operations bulk_create_catalog_items: the operation, its responses and both closures", async () => {
    const root = tempDir("kst-sync-");
    const result = await syncSchemas({
      source: { kind: "openapi", location: UPSTREAM_OPENAPI },
      roots: [SEED],
      operations: ["bulk_create_catalog_items"],
      outDir: join(root, "schemas"),
      lockPath: join(root, "schemas.lock.json"),
      now: T1,
    });
    const doc = JSON.parse(document().toString("utf8"));
    const operation = doc.paths["/api/catalog-item-bulk-create-jobs"].post;
    // The schema closure of the request body and of the 202 response, by a plain walk of the document.
    const closure = new Set<string>();
    const todo = [
      operation.requestBody.content["application/vnd.api+json"].schema.$ref,
      operation.responses["202"].content["application/vnd.api+json"].schema.$ref,
    ];
    const refs = (value: unknown): string[] =>
      Array.isArray(value)
        ? value.flatMap(refs)
        : typeof value === "object" && value !== null
          ? [
              ...(typeof (value as { $ref?: unknown }).$ref === "string"
                ? [(value as { $ref: string }).$ref]
                : []),
              ...Object.values(value).flatMap(refs),
            ]
          : [];
    while (todo.length > 0) {
      const name = todo.pop()!.replace("#/components/schemas/", "");
      if (closure.has(name)) continue;
      closure.add(name);
      todo.push(...refs(doc.components.schemas[name]));
    }
    expect([...closure].map((name) => `klaviyo-${name.toLowerCase()}-schema.json`).sort()).toEqual(
      CLOSURE_0715_OPERATION.filter((f) => f.endsWith("-schema.json")),
    );
    expect(result.files).toEqual(CLOSURE_0715_OPERATION);
    expect(readdirSync(join(root, "schemas")).sort()).toEqual(CLOSURE_0715_OPERATION);
    expect(result.kinds).toEqual({
      schema: 13,
      response: 2,
      parameter: 0,
      requestBody: 0,
      operation: 1,
    });

    const text = readFileSync(
      join(root, "schemas", "klaviyo-bulk_create_catalog_items-operation.json"),
      "utf8",
    );
    const file = JSON.parse(text);
    expect(file).toEqual({
      $id: "#/paths/~1api~1catalog-item-bulk-create-jobs/post",
      operationId: "bulk_create_catalog_items",
      ...operation,
    });
    expect(Object.keys(file)).toEqual([
      "$id",
      "operationId",
      ...Object.keys(operation).filter((k) => k !== "operationId"),
    ]);
    expect(text).toBe(JSON.stringify(file, null, 2) + "\n");
    for (const name of ["ClientError", "ServerError"])
      expect(
        JSON.parse(
          readFileSync(
            join(root, "schemas", `klaviyo-${name.toLowerCase()}-response.json`),
            "utf8",
          ),
        ),
      ).toEqual({ $id: `#/components/responses/${name}`, ...doc.components.responses[name] });
    // The schema files are the bytes a schemas-only sync writes.
    const schemasOnly = tempDir("kst-sync-");
    await syncSchemas({
      source: { kind: "openapi", location: UPSTREAM_OPENAPI },
      roots: [SEED, "CatalogItemCreateJobCreateQuery"],
      outDir: join(schemasOnly, "schemas"),
      lockPath: join(schemasOnly, "schemas.lock.json"),
    });
    const written = snapshotFolder(join(root, "schemas"));
    expect(
      Object.fromEntries(Object.entries(written).filter(([f]) => f.endsWith("-schema.json"))),
    ).toEqual(snapshotFolder(join(schemasOnly, "schemas")));

    // The lock: the selection, and every file hashed.
    const lock = JSON.parse(readFileSync(join(root, "schemas.lock.json"), "utf8"));
    expect(Object.keys(lock)).toEqual([
      "lockVersion",
      "source",
      "roots",
      "operations",
      "syncedAt",
      "files",
    ]);
    expect(lock).toMatchObject({
      lockVersion: 1,
      roots: [SEED],
      operations: ["bulk_create_catalog_items"],
    });
    expect(lock.files["klaviyo-bulk_create_catalog_items-operation.json"]).toBe(sha256(text));
    expect(Object.keys(lock.files)).toEqual(CLOSURE_0715_OPERATION);
    rmSync(root, { recursive: true, force: true });
    rmSync(schemasOnly, { recursive: true, force: true });
  });

  test("--all: every schema and every operation, 1,290 + 345 + 2 files, each the document's object", async () => {
    const root = tempDir("kst-sync-");
    const result = await syncSchemas({
      source: { kind: "openapi", location: UPSTREAM_OPENAPI },
      roots: "*",
      operations: "*",
      outDir: join(root, "schemas"),
      lockPath: join(root, "schemas.lock.json"),
      now: T1,
    });
    const doc = JSON.parse(document().toString("utf8"));
    const operations = documentOperations(doc);
    const counts = {
      schema: Object.keys(doc.components.schemas).length,
      operation: operations.length,
      response: Object.keys(doc.components.responses).length,
    };
    expect(counts).toEqual({ schema: 1290, operation: 345, response: 2 });
    expect(result.kinds).toEqual({ ...counts, parameter: 0, requestBody: 0 });
    expect(result.upstreamCount).toBe(1290 + 345 + 2);
    const written = readdirSync(join(root, "schemas")).sort();
    expect(written).toHaveLength(1637);
    expect(written.filter((f) => f.endsWith("-operation.json"))).toEqual(
      operations
        .map((o) => `klaviyo-${o.operation.operationId.toLowerCase()}-operation.json`)
        .sort(),
    );
    expect(written.filter((f) => f.endsWith("-response.json"))).toEqual([
      "klaviyo-clienterror-response.json",
      "klaviyo-servererror-response.json",
    ]);
    // Each operation file is its operation (the document has no path-level parameters), $id first.
    for (const { path, method, operation } of operations) {
      const file = JSON.parse(
        readFileSync(
          join(root, "schemas", `klaviyo-${operation.operationId.toLowerCase()}-operation.json`),
          "utf8",
        ),
      );
      expect(classifyLayoutId(file.$id)).toEqual({ kind: "operation", path, method });
      const { $id: _, ...rest } = file;
      expect(rest).toEqual(operation);
    }
    expect(
      verifySchemas(join(root, "schemas"), join(root, "schemas.lock.json")).differences,
    ).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });

  test("Klaviyo's document pinned by commit: the raw URL from repo, ref and path (a loopback rawBaseUrl)", async () => {
    const server = await startLoopbackGitHub({
      owner: "klaviyo",
      repo: "openapi",
      folder: "openapi",
      commit: KLAVIYO_0715,
      files: new Map([["stable.json", document()]]),
    });
    const root = tempDir("kst-sync-");
    try {
      const result = await syncSchemas({
        source: {
          kind: "openapi",
          repo: "klaviyo/openapi",
          path: "openapi/stable.json",
          ref: KLAVIYO_0715,
          rawBaseUrl: server.baseUrl,
        },
        roots: [SEED],
        operations: ["bulk_create_catalog_items"],
        outDir: join(root, "schemas"),
        lockPath: join(root, "schemas.lock.json"),
      });
      expect(server.requests).toEqual([`/klaviyo/openapi/${KLAVIYO_0715}/openapi/stable.json`]);
      expect(result.source).toEqual({
        kind: "openapi",
        location: `${server.baseUrl}/klaviyo/openapi/${KLAVIYO_0715}/openapi/stable.json`,
        revision: `sha256:${sha256(document())}`,
        apiVersion: "2026-07-15",
      });
      expect(result.files).toEqual(CLOSURE_0715_OPERATION);
    } finally {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
