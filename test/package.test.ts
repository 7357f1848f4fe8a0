/**
 * The package as a consumer gets it: npm pack, the tarball's contents, attw and publint, and throw-away
 * consumer projects that install the tarball offline and compile under node10, node16 (CommonJS and
 * ESM) and bundler resolution, with typed calls through openapi-fetch (installed offline beside it, from
 * the devDependency). A package generated from operations with path parameters proves what the embedded
 * default cannot show, and a loopback server proves a typed call's round trip at run time.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join, resolve } from "node:path";
import createClient from "openapi-fetch";
import { createJudge } from "../scripts/conformance/judge.js";
import { lintTarball, packInto, type Packed } from "../scripts/package/pack.js";
import type { Json } from "../scripts/pipeline/json.js";
import { readSchemaFolder } from "../scripts/pipeline/load.js";
import { prepareSchemaSet } from "../scripts/pipeline/prepare.js";
import type {
  CatalogItemCreateJobCreateQuery,
  paths,
  PathsWithPresetHeaders,
  PostCatalogItemCreateJobResponse,
} from "../generated/index.js";
import { runScript, tempDir } from "./helpers/cli.js";
import { describeWithUpstream, hasUpstreamOpenApi, UPSTREAM_OPENAPI } from "./helpers/upstream.js";

const TSC = resolve("node_modules/typescript/bin/tsc");
const PACKAGE_JSON = JSON.parse(readFileSync("package.json", "utf8")) as {
  devDependencies: Record<string, string>;
};

const CONSUMER = `import type { PostCatalogItemCreateJobResponse, components } from "klaviyo-schema-types";

type JobStatus = components["schemas"]["PostCatalogItemCreateJobResponse"]["data"]["attributes"]["status"];
export const status: JobStatus = "complete";
export function progress(job: PostCatalogItemCreateJobResponse): number | null | undefined {
  return job.data.attributes.completed_count;
}
// @ts-expect-error total_count is a number
export const wrong: PostCatalogItemCreateJobResponse["data"]["attributes"]["total_count"] = "10";
// @ts-expect-error "running" is not a job status
export const running: JobStatus = "running";
`;

/**
 * Typed calls through openapi-fetch against the embedded default. Every @ts-expect-error names the error
 * code it expects and a part of the message (expectDirectedErrors checks both); each wrong call is on one
 * line, so that the directive covers exactly that call, and differs from a right call in one thing.
 */
const FETCH_CONSUMER = `import createClient from "openapi-fetch";
import type {
  CatalogItemCreateJobCreateQuery,
  ErrorBody,
  HeaderParameters,
  PathParameters,
  PathsWithPresetHeaders,
  PostCatalogItemCreateJobResponse,
  QueryParameters,
  RequestBody,
  ResponseBody,
  SuccessBody,
  components,
  paths,
} from "klaviyo-schema-types";

/** true only when A and B are the same type, not merely assignable to each other. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

type ClientErrorBody = components["responses"]["ClientError"]["content"]["application/vnd.api+json"];
type ServerErrorBody = components["responses"]["ServerError"]["content"]["application/vnd.api+json"];
type JobField = "completed_at" | "completed_count" | "created_at" | "errors" | "expires_at" | "failed_count" | "id" | "status" | "total_count";

export type NamedTypes = [
  Expect<Equal<RequestBody<"bulk_create_catalog_items">, CatalogItemCreateJobCreateQuery>>,
  Expect<Equal<SuccessBody<"bulk_create_catalog_items">, PostCatalogItemCreateJobResponse>>,
  Expect<Equal<ResponseBody<"bulk_create_catalog_items", 202>, PostCatalogItemCreateJobResponse>>,
  Expect<Equal<ErrorBody<"bulk_create_catalog_items">, ClientErrorBody | ServerErrorBody>>,
  Expect<Equal<HeaderParameters<"bulk_create_catalog_items">, { revision: string }>>,
  Expect<Equal<QueryParameters<"bulk_create_catalog_items">, { "fields[catalog-item-bulk-create-job]"?: JobField[] }>>,
  Expect<Equal<PathParameters<"bulk_create_catalog_items">, never>>,
];
// The assertions can fail: another body, and the same body less one optional key.
// @ts-expect-error TS2344 [Type 'false']: the success body is not the request body
export type OtherBody = Expect<Equal<SuccessBody<"bulk_create_catalog_items">, CatalogItemCreateJobCreateQuery>>;
// @ts-expect-error TS2344 [Type 'false']: mutually assignable, but not the same type
export type LessMeta = Expect<Equal<SuccessBody<"bulk_create_catalog_items">, Omit<PostCatalogItemCreateJobResponse, "meta">>>;

const body: CatalogItemCreateJobCreateQuery = {
  data: {
    type: "catalog-item-bulk-create-job",
    attributes: {
      items: {
        data: [
          {
            type: "catalog-item",
            attributes: { external_id: "SKU-1", title: "Shirt", description: "A shirt", url: "https://example.com/shirt", price: 42 },
          },
        ],
      },
    },
  },
};
const header = { revision: "2026-07-15" };
const client = createClient<paths>({ baseUrl: "https://a.klaviyo.com", headers: { Authorization: "Klaviyo-API-Key pk_test" } });

export async function create(): Promise<PostCatalogItemCreateJobResponse | ClientErrorBody | ServerErrorBody> {
  const { data, error } = await client.POST("/api/catalog-item-bulk-create-jobs", {
    params: { header: { revision: "2026-07-15" }, query: { "fields[catalog-item-bulk-create-job]": ["status"] } },
    body,
  });
  if (error !== undefined) {
    const errorIsTheErrorBodies: Expect<Equal<typeof error, ClientErrorBody | ServerErrorBody>> = true;
    return errorIsTheErrorBodies && error;
  }
  const dataIsTheJob: Expect<Equal<typeof data, PostCatalogItemCreateJobResponse>> = true;
  return dataIsTheJob && data;
}

const item = body.data.attributes.items.data[0]!;
const noTitle = { data: { type: "catalog-item-bulk-create-job" as const, attributes: { items: { data: [{ type: "catalog-item" as const, attributes: { external_id: "SKU-1", description: "A shirt", url: "https://example.com/shirt" } }] } } } };
const priceAsText = { data: { type: "catalog-item-bulk-create-job" as const, attributes: { items: { data: [{ ...item, attributes: { ...item.attributes, price: "42" } }] } } } };

export function wrongCalls(): void {
  // @ts-expect-error TS2345 ['"/api/catalog-item-bulk-create-job"' is not assignable]: no such path (one letter short)
  void client.POST("/api/catalog-item-bulk-create-job", { params: { header }, body });
  // @ts-expect-error TS2345 [parameter of type 'never']: the path has no GET
  void client.GET("/api/catalog-item-bulk-create-jobs", { params: { header } });
  // @ts-expect-error TS2741 [Property 'revision' is missing]: the revision header is required
  void client.POST("/api/catalog-item-bulk-create-jobs", { params: { header: {} }, body });
  // @ts-expect-error TS2345 [Property 'params' is missing]: no params at all, so no revision header
  void client.POST("/api/catalog-item-bulk-create-jobs", { body });
  // @ts-expect-error TS2322 [Type '"state"' is not assignable]: "state" is not a field of the job
  void client.POST("/api/catalog-item-bulk-create-jobs", { params: { header, query: { "fields[catalog-item-bulk-create-job]": ["state"] } }, body });
  // @ts-expect-error TS2322 [Type 'string' is not assignable to type '("id"]: the fields are a list, not one string
  void client.POST("/api/catalog-item-bulk-create-jobs", { params: { header, query: { "fields[catalog-item-bulk-create-job]": "status" } }, body });
  // @ts-expect-error TS2322 [Property 'title' is missing]: an item without its required title
  void client.POST("/api/catalog-item-bulk-create-jobs", { params: { header }, body: noTitle });
  // @ts-expect-error TS2322 [Types of property 'price' are incompatible]: price is a number, not a string
  void client.POST("/api/catalog-item-bulk-create-jobs", { params: { header }, body: priceAsText });
  // @ts-expect-error TS2322 [Type '"catalog-item"' is not assignable to type '"catalog-item-bulk-create-job"']: an item's resource type, not the job's
  void client.POST("/api/catalog-item-bulk-create-jobs", { params: { header }, body: { data: { ...body.data, type: "catalog-item" } } });
  // @ts-expect-error TS2345 [Property 'body' is missing]: the body is required
  void client.POST("/api/catalog-item-bulk-create-jobs", { params: { header } });
}

// A client that sends revision on every call: calls may leave it out, and are typed as before.
const preset = createClient<PathsWithPresetHeaders<"revision">>({
  baseUrl: "https://a.klaviyo.com",
  headers: { revision: "2026-07-15", Authorization: "Klaviyo-API-Key pk_test" },
});
export async function presetCalls(): Promise<PostCatalogItemCreateJobResponse | undefined> {
  const { data } = await preset.POST("/api/catalog-item-bulk-create-jobs", { body });
  const presetData: Expect<Equal<typeof data, PostCatalogItemCreateJobResponse | undefined>> = true;
  void preset.POST("/api/catalog-item-bulk-create-jobs", { params: { query: { "fields[catalog-item-bulk-create-job]": ["status"] } }, body });
  void preset.POST("/api/catalog-item-bulk-create-jobs", { params: { header: { revision: "2026-04-15" } }, body });
  // @ts-expect-error TS2322 [Type '"state"' is not assignable]: presetting revision leaves the query as strict as it was
  void preset.POST("/api/catalog-item-bulk-create-jobs", { params: { query: { "fields[catalog-item-bulk-create-job]": ["state"] } }, body });
  // @ts-expect-error TS2345 [Property 'body' is missing]: presetting revision leaves the body required
  void preset.POST("/api/catalog-item-bulk-create-jobs", {});
  // @ts-expect-error TS2345 [parameter of type 'never']: nor does it give the path a GET
  void preset.GET("/api/catalog-item-bulk-create-jobs", {});
  return presetData ? data : undefined;
}
// @ts-expect-error TS2345 [Property 'params' is missing]: the same call against plain paths: every call must send revision itself
export const plainWithoutRevision = client.POST("/api/catalog-item-bulk-create-jobs", { body });
`;

/** The same consumers through the Catalogs entry, which must type them exactly as the root does. */
const TAG_ENTRY = "klaviyo-schema-types/catalogs";
const throughTagEntry = (code: string) => {
  const changed = code.replace(/ from "klaviyo-schema-types";/g, ` from "${TAG_ENTRY}";`);
  if (changed === code) throw new Error("the consumer imports nothing from the root");
  return changed;
};

/** Types reached through the root and through the Catalogs entry are the same types. */
const SAME_TYPES = `import type * as root from "klaviyo-schema-types";
import type * as catalogs from "${TAG_ENTRY}";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
export type Same = [
  Expect<Equal<root.PostCatalogItemCreateJobResponse, catalogs.PostCatalogItemCreateJobResponse>>,
  Expect<Equal<root.components["schemas"]["CatalogItemCreateJobCreateQuery"], catalogs.CatalogItemCreateJobCreateQuery>>,
  Expect<Equal<root.operations["bulk_create_catalog_items"], catalogs.operations["bulk_create_catalog_items"]>>,
  Expect<Equal<root.paths, catalogs.paths>>,
  Expect<Equal<root.RequestBody<"bulk_create_catalog_items">, catalogs.RequestBody<"bulk_create_catalog_items">>>,
];
export function roundTrip(job: root.PostCatalogItemCreateJobResponse): catalogs.PostCatalogItemCreateJobResponse {
  return job;
}
// @ts-expect-error TS2344 [Type 'false']: the assertion can fail
export type Different = Expect<Equal<root.PostCatalogItemCreateJobResponse, catalogs.CatalogItemCreateJobCreateQuery>>;
`;

/** Every file of a consumer project: the root's consumers, the same through the Catalogs entry, and SAME_TYPES. */
const CONSUMER_FILES: Record<string, string> = {
  "consumer.ts": CONSUMER,
  "fetch.ts": FETCH_CONSUMER,
  "consumer-catalogs.ts": throughTagEntry(CONSUMER),
  "fetch-catalogs.ts": throughTagEntry(FETCH_CONSUMER),
  "same.ts": SAME_TYPES,
};

const MODES: Record<string, { packageType?: "module"; compilerOptions: Record<string, unknown> }> =
  {
    node10: { compilerOptions: { module: "commonjs", moduleResolution: "node10" } },
    "node16 (CommonJS)": { compilerOptions: { module: "node16", moduleResolution: "node16" } },
    "node16 (ESM)": {
      packageType: "module",
      compilerOptions: { module: "node16", moduleResolution: "node16" },
    },
    bundler: { compilerOptions: { module: "esnext", moduleResolution: "bundler" } },
  };
/** The mode in which expectDirectedErrors proves each @ts-expect-error of FETCH_CONSUMER is needed. */
const DIRECTED_ERRORS_MODE = "bundler";

/**
 * Packs installed packages from node_modules (`name` and, transitively, what it depends on), so that a
 * consumer can install them offline beside the package's own tarball.
 */
function packInstalled(name: string, dir: string): string[] {
  const names: string[] = [];
  const visit = (next: string) => {
    if (names.includes(next)) return;
    names.push(next);
    const manifest = JSON.parse(
      readFileSync(join("node_modules", next, "package.json"), "utf8"),
    ) as { dependencies?: Record<string, string> };
    Object.keys(manifest.dependencies ?? {}).forEach(visit);
  };
  visit(name);
  const run = spawnSync(
    "npm",
    [
      "pack",
      "--json",
      "--ignore-scripts",
      "--pack-destination",
      dir,
      ...names.map((n) => resolve("node_modules", n)),
    ],
    { encoding: "utf8" },
  );
  if (run.status !== 0) throw new Error(`npm pack failed: ${run.stderr.trim().split("\n").at(-1)}`);
  return (JSON.parse(run.stdout) as { filename: string }[]).map((info) => join(dir, info.filename));
}

/** A throw-away consumer project with the tarballs installed offline. */
function consumerProject(tarballs: string[], packageType?: "module"): string {
  const project = tempDir("kst-consumer-");
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({
      name: "consumer",
      private: true,
      ...(packageType ? { type: packageType } : {}),
    }),
  );
  const install = spawnSync(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", ...tarballs],
    { cwd: project, encoding: "utf8" },
  );
  if (install.status !== 0) throw new Error(`npm install failed: ${install.stderr.trim()}`);
  return project;
}

function writeTsconfig(
  project: string,
  files: string[],
  compilerOptions: Record<string, unknown>,
  name = "tsconfig.json",
): void {
  writeFileSync(
    join(project, name),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: [],
        target: "es2022",
        ...compilerOptions,
      },
      files,
    }),
  );
}

function compile(
  project: string,
  tsconfig = "tsconfig.json",
): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [TSC, "-p", join(project, tsconfig)], {
    cwd: project,
    encoding: "utf8",
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

/** `// @ts-expect-error TSnnnn [a part of the message]: why` */
const DIRECTIVE = /^\s*\/\/ @ts-expect-error (TS\d+) \[([^\]]+)\]: \S/;

/**
 * Proves that every @ts-expect-error in `file` is there for the error it names: with the directives blanked
 * out (line numbers kept), the project reports exactly one error on each line after a directive, with the
 * directive's code and a message (with its elaboration) that contains the directive's text, and no other
 * error anywhere. Restores the file.
 */
function expectDirectedErrors(project: string, file: string): void {
  const path = join(project, file);
  const text = readFileSync(path, "utf8");
  const expected: { at: string; code: string; includes: string }[] = [];
  const blanked = text.split("\n").map((line, index) => {
    if (!line.includes("@ts-expect-error")) return line;
    const match = DIRECTIVE.exec(line);
    if (match === null)
      throw new Error(`${file}:${index + 1}: a @ts-expect-error without "TSnnnn [text]: why"`);
    expected.push({ at: `${file}:${index + 2}`, code: match[1]!, includes: match[2]! });
    return "";
  });
  expect(expected.length).toBeGreaterThan(0);
  try {
    writeFileSync(path, blanked.join("\n"));
    const { output } = compile(project);
    // One diagnostic per unindented line; its elaboration follows on indented lines.
    const reported: { at: string; code: string; message: string }[] = [];
    for (const line of output.split("\n")) {
      const head = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
      if (head) reported.push({ at: `${head[1]}:${head[2]}`, code: head[3]!, message: head[4]! });
      else if (line.startsWith(" ") && reported.length > 0) reported.at(-1)!.message += `\n${line}`;
      else if (line !== "") reported.push({ at: "?", code: "?", message: line });
    }
    expect(
      reported.map((r, i) => ({
        at: r.at,
        code: r.code,
        includes: r.message.includes(expected[i]?.includes ?? "\u0000")
          ? expected[i]!.includes
          : r.message,
      })),
    ).toEqual(expected);
  } finally {
    writeFileSync(path, text);
  }
}

let packed: Packed;
/** openapi-fetch and its dependency, packed from node_modules for the consumers. */
let fetchTarballs: string[];
beforeAll(() => {
  const dir = tempDir("kst-pack-");
  packed = packInto(dir);
  fetchTarballs = packInstalled("openapi-fetch", dir);
});

test("the tarball holds only what consumers need", () => {
  expect(packed.files).toEqual([
    "CHANGELOG.md",
    "LICENSE",
    "README.md",
    "generated/index.d.mts",
    "generated/index.d.ts",
    "generated/package.json",
    "generated/shared/catalogs.d.ts",
    "generated/tags/catalogs.d.mts",
    "generated/tags/catalogs.d.ts",
    "package.json",
  ]);
});

test("the published package.json has no dependencies; openapi-fetch is an exact devDependency", () => {
  const extract = spawnSync("tar", ["-xzOf", packed.tarball, "package/package.json"], {
    encoding: "utf8",
  });
  expect(extract.status).toBe(0);
  const published = JSON.parse(extract.stdout) as Record<string, unknown>;
  expect(
    ["dependencies", "peerDependencies", "optionalDependencies", "bundleDependencies"].filter(
      (key) => key in published,
    ),
  ).toEqual([]);
  expect(PACKAGE_JSON.devDependencies["openapi-fetch"]).toMatch(/^\d+\.\d+\.\d+$/);
  const version = (name: string) =>
    (
      JSON.parse(readFileSync(join("node_modules", name, "package.json"), "utf8")) as {
        version: string;
      }
    ).version;
  expect(version("openapi-fetch")).toBe(PACKAGE_JSON.devDependencies["openapi-fetch"]);
  // The consumers get the installed openapi-fetch and its one dependency, nothing else.
  expect(fetchTarballs.map((t) => basename(t))).toEqual([
    `openapi-fetch-${version("openapi-fetch")}.tgz`,
    `openapi-typescript-helpers-${version("openapi-typescript-helpers")}.tgz`,
  ]);
});

test("attw and publint are clean on the tarball", () => {
  // Both tools ran (a loop over no results would pass), and each is clean.
  expect(
    lintTarball(packed.tarball).map((result) => ({
      tool: result.tool,
      ok: result.ok,
      output: result.ok ? "" : result.output,
    })),
  ).toEqual([
    { tool: "attw", ok: true, output: "" },
    { tool: "publint", ok: true, output: "" },
  ]);
});

describe.each(Object.entries(MODES))(
  "a consumer with moduleResolution %s",
  (mode, { packageType, compilerOptions }) => {
    let project: string;
    beforeAll(() => {
      project = consumerProject([packed.tarball, ...fetchTarballs], packageType);
      for (const [file, code] of Object.entries(CONSUMER_FILES))
        writeFileSync(join(project, file), code);
      writeTsconfig(project, Object.keys(CONSUMER_FILES), compilerOptions);
      writeTsconfig(project, ["consumer.ts"], compilerOptions, "tsconfig.consumer.json");
    });

    test("installs the tarball offline and compiles, from the root and from the Catalogs entry, typed openapi-fetch calls included, with the @ts-expect-error lines needed", () => {
      for (const entry of ["index.d.ts", "tags/catalogs.d.ts"])
        expect(
          existsSync(join(project, "node_modules/klaviyo-schema-types/generated", entry)),
        ).toBe(true);
      const { status, output } = compile(project);
      expect(output).toBe("");
      expect(status).toBe(0);
    });

    if (mode === DIRECTED_ERRORS_MODE)
      test.each(["fetch.ts", "fetch-catalogs.ts", "same.ts"])(
        "each wrong call in %s fails for the reason its @ts-expect-error names",
        (file) => {
          expectDirectedErrors(project, file);
        },
      );

    test("the same consumer without the package installed fails: the check is not vacuous", () => {
      const broken = CONSUMER.replace(/"klaviyo-schema-types"/, '"klaviyo-schema-types-missing"');
      writeFileSync(join(project, "consumer.ts"), broken);
      try {
        expect(compile(project, "tsconfig.consumer.json").status).not.toBe(0);
      } finally {
        writeFileSync(join(project, "consumer.ts"), CONSUMER);
      }
    });

    test("an entry for a tag the package lacks fails to resolve", () => {
      writeFileSync(
        join(project, "consumer.ts"),
        CONSUMER.replace(/"klaviyo-schema-types"/, '"klaviyo-schema-types/no-such-tag"'),
      );
      try {
        const { status, output } = compile(project, "tsconfig.consumer.json");
        expect(status).not.toBe(0);
        expect(output).toContain(
          "error TS2307: Cannot find module 'klaviyo-schema-types/no-such-tag'",
        );
      } finally {
        writeFileSync(join(project, "consumer.ts"), CONSUMER);
      }
    });
  },
);

/** Calls with a path parameter (the embedded default has none), against a package generated for them. */
const PATH_CONSUMER = `import createClient from "openapi-fetch";
import type { PathParameters, PathsWithPresetHeaders, SuccessBody, paths } from "klaviyo-schema-types";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
export type Named = Expect<Equal<PathParameters<"get_catalog_item">, { id: string }>>;

const header = { revision: "2026-07-15" };
const id = "$custom:::$default:::SKU-1";
const client = createClient<paths>({ baseUrl: "https://a.klaviyo.com" });
export async function byId(): Promise<SuccessBody<"get_catalog_item"> | undefined> {
  const { data } = await client.GET("/api/catalog-items/{id}", { params: { path: { id }, header } });
  const typed: Expect<Equal<typeof data, SuccessBody<"get_catalog_item"> | undefined>> = true;
  return typed ? data : undefined;
}
export const withQuery = client.GET("/api/catalog-items/{id}", { params: { path: { id }, header, query: { include: ["variants"], "fields[catalog-item]": ["title", "price"] } } });
// @ts-expect-error TS2741 [Property 'path' is missing]: the path parameter id is required
export const noPath = client.GET("/api/catalog-items/{id}", { params: { header } });
// @ts-expect-error TS2741 [Property 'id' is missing]: a path without its id
export const emptyPath = client.GET("/api/catalog-items/{id}", { params: { path: {}, header } });
// @ts-expect-error TS2322 [Type 'number' is not assignable to type 'string']: the id is a string
export const numericId = client.GET("/api/catalog-items/{id}", { params: { path: { id: 1 }, header } });
// @ts-expect-error TS2322 [Type '"variant"' is not assignable to type '"variants"']: "variant" is not an include of a catalog item
export const badInclude = client.GET("/api/catalog-items/{id}", { params: { path: { id }, header, query: { include: ["variant"] } } });
// @ts-expect-error TS2322 [Type '"sku"' is not assignable]: "sku" is a field of a variant, not of an item
export const badField = client.GET("/api/catalog-items/{id}", { params: { path: { id }, header, query: { "fields[catalog-item]": ["sku"] } } });
// @ts-expect-error TS2741 [Property 'header' is missing]: the revision header is required here too
export const noRevision = client.GET("/api/catalog-items/{id}", { params: { path: { id } } });

const preset = createClient<PathsWithPresetHeaders<"revision">>({ baseUrl: "https://a.klaviyo.com", headers: { revision: "2026-07-15" } });
export const presetById = preset.GET("/api/catalog-items/{id}", { params: { path: { id } } });
// @ts-expect-error TS2322 [Property 'path' is missing]: presetting revision leaves the path parameter required
export const presetNoPath = preset.GET("/api/catalog-items/{id}", { params: {} });
// @ts-expect-error TS2554 [Expected 2 arguments, but got 1]: nor may the options be left out
export const presetNoInit = preset.GET("/api/catalog-items/{id}");
`;

describeWithUpstream(
  "a consumer of a package generated from operations with path parameters",
  UPSTREAM_OPENAPI,
  hasUpstreamOpenApi,
  () => {
    let project: string;
    beforeAll(() => {
      // sync get_catalog_item (GET /api/catalog-items/{id}) from the 2026-07-15 document, generate it, pack it.
      const work = tempDir("kst-path-params-");
      const schemas = join(work, "schemas");
      const pkg = join(work, "package");
      const sync = runScript("sync.ts", [
        "--from",
        UPSTREAM_OPENAPI,
        "--operations",
        "get_catalog_item",
        "--roots",
        "PostCatalogItemCreateJobResponse",
        "--out",
        schemas,
        "--lock",
        join(work, "schemas.lock.json"),
        "--quiet",
      ]);
      if (sync.status !== 0) throw new Error(`sync failed: ${sync.stderr}`);
      const generate = runScript("generate.ts", [
        "--schemas",
        schemas,
        "--out",
        join(pkg, "generated"),
        "--no-cache",
        "--no-drift",
        "--quiet",
      ]);
      if (generate.status !== 0) throw new Error(`generate failed: ${generate.stderr}`);
      cpSync("package.json", join(pkg, "package.json"));
      mkdirSync(join(work, "tarballs"));
      const tarball = packInto(join(work, "tarballs"), pkg).tarball;
      project = consumerProject([tarball, ...fetchTarballs], "module");
      writeFileSync(join(project, "paths.ts"), PATH_CONSUMER);
      writeTsconfig(project, ["paths.ts"], { module: "node16", moduleResolution: "node16" });
    });

    test("GET /api/catalog-items/{id} compiles with its path parameter, and not without (node16 ESM)", () => {
      const { status, output } = compile(project);
      expect(output).toBe("");
      expect(status).toBe(0);
    });

    test("each wrong call fails for the reason its @ts-expect-error names", () => {
      expectDirectedErrors(project, "paths.ts");
    });
  },
);

describe("a typed call over HTTP, to a loopback server", () => {
  const JOB: PostCatalogItemCreateJobResponse = {
    data: {
      type: "catalog-item-bulk-create-job",
      id: "01JABCDEF0123456789ABCDEFG",
      attributes: {
        status: "queued",
        created_at: "2026-07-15T10:00:00+00:00",
        total_count: 1,
        completed_count: 0,
        failed_count: 0,
        completed_at: null,
        errors: [],
        expires_at: "2026-07-22T10:00:00+00:00",
      },
      relationships: {
        items: {
          data: [],
          links: {
            self: "https://a.klaviyo.com/api/catalog-item-bulk-create-jobs/01JABCDEF0123456789ABCDEFG/relationships/items",
            related:
              "https://a.klaviyo.com/api/catalog-item-bulk-create-jobs/01JABCDEF0123456789ABCDEFG/items",
          },
        },
      },
      links: {
        self: "https://a.klaviyo.com/api/catalog-item-bulk-create-jobs/01JABCDEF0123456789ABCDEFG",
      },
    },
    links: { self: "https://a.klaviyo.com/api/catalog-item-bulk-create-jobs" },
  };
  const BODY: CatalogItemCreateJobCreateQuery = {
    data: {
      type: "catalog-item-bulk-create-job",
      attributes: {
        items: {
          data: [
            {
              type: "catalog-item",
              attributes: {
                external_id: "SKU-1",
                title: "Ocean Blue Shirt",
                description: "Long-sleeved cotton shirt",
                url: "https://example.com/shirt",
                price: 42,
              },
            },
          ],
        },
      },
    },
  };
  const KEY = "Klaviyo-API-Key pk_test_0000";

  interface Seen {
    method: string | undefined;
    url: string | undefined;
    headers: IncomingHttpHeaders;
    body: unknown;
  }

  test("the server's and the client's bodies are schema-valid (ajv, formats checked)", async () => {
    const prepared = await prepareSchemaSet("schemas", readSchemaFolder("schemas"));
    const judge = createJudge(prepared.resolved.schemas);
    expect(judge.validate("PostCatalogItemCreateJobResponse", JOB as unknown as Json)).toEqual({
      valid: true,
      validIgnoringFormats: true,
    });
    expect(judge.validate("CatalogItemCreateJobCreateQuery", BODY as unknown as Json)).toEqual({
      valid: true,
      validIgnoringFormats: true,
    });
  });

  test("openapi-fetch sends the headers, query and body, and returns the 202 body as data", async () => {
    const seen: Seen[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        seen.push({
          method: request.method,
          url: request.url,
          headers: request.headers,
          body: text === "" ? undefined : (JSON.parse(text) as unknown),
        });
        const ok =
          request.method === "POST" &&
          request.url?.startsWith("/api/catalog-item-bulk-create-jobs") === true;
        response.writeHead(ok ? 202 : 404, { "content-type": "application/vnd.api+json" });
        response.end(ok ? JSON.stringify(JOB) : '{"errors":[]}');
      });
    });
    // Bounded: the server stops after the test, however it ends; the calls give up after 10 s.
    server.requestTimeout = 10_000;
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // Only the loopback server is ever called.
      const loopbackOnly = (request: Request) => {
        if (new URL(request.url).origin !== origin)
          throw new Error(`not the loopback server: ${request.url}`);
        return fetch(request);
      };
      const signal = AbortSignal.timeout(10_000);

      // Plain paths: revision is a parameter of the call.
      const client = createClient<paths>({
        baseUrl: origin,
        fetch: loopbackOnly,
        headers: { Authorization: KEY, "Content-Type": "application/vnd.api+json" },
        // Klaviyo's list parameters are explode: false (status,total_count), not openapi-fetch's default.
        querySerializer: { array: { style: "form", explode: false } },
      });
      const plain = await client.POST("/api/catalog-item-bulk-create-jobs", {
        params: {
          header: { revision: "2026-07-15" },
          query: { "fields[catalog-item-bulk-create-job]": ["status", "total_count"] },
        },
        body: BODY,
        signal,
      });

      // PathsWithPresetHeaders: the client sends revision on every call.
      const preset = createClient<PathsWithPresetHeaders<"revision">>({
        baseUrl: origin,
        fetch: loopbackOnly,
        headers: { revision: "2026-07-15", Authorization: KEY },
      });
      const presetResult = await preset.POST("/api/catalog-item-bulk-create-jobs", {
        body: BODY,
        signal,
      });

      for (const result of [plain, presetResult]) {
        expect(result.response.status).toBe(202);
        expect(result.error).toBeUndefined();
        expect(result.data).toEqual(JOB);
      }
      expect(
        seen.map((s) => ({
          method: s.method,
          url: s.url,
          revision: s.headers["revision"],
          authorization: s.headers["authorization"],
          contentType: s.headers["content-type"],
          body: s.body,
        })),
      ).toEqual([
        {
          method: "POST",
          url: "/api/catalog-item-bulk-create-jobs?fields[catalog-item-bulk-create-job]=status,total_count",
          revision: "2026-07-15",
          authorization: KEY,
          contentType: "application/vnd.api+json",
          body: BODY,
        },
        {
          method: "POST",
          url: "/api/catalog-item-bulk-create-jobs",
          revision: "2026-07-15",
          authorization: KEY,
          contentType: "application/json",
          body: BODY,
        },
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});
