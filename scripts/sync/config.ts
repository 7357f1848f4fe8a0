/**
 * The committed sync config (`upstream.config.json`): where upstream lives, which root schemas and which
 * operations to vendor.
 * Parsing is pure; `readConfig` is the one I/O edge. Unknown keys are refused so a typo cannot be ignored.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { UsageError } from "../cli.js";
import { SchemaError } from "../pipeline/errors.js";
import { isObject, type JsonObject } from "../pipeline/json.js";

export interface GitHubSourceConfig {
  kind: "github";
  /** `owner/name`. */
  repo: string;
  /** Folder inside the repository holding one `*.json` file per schema. */
  folder: string;
  /** The pinned commit: 40 hex digits, never a branch. */
  ref: string;
  /** Raw files are `<rawBaseUrl>/<owner>/<name>/<ref>/<folder>/<file>`. */
  rawBaseUrl: string;
  /** The tree listing is `<apiBaseUrl>/repos/<owner>/<name>/git/trees/<ref>?recursive=1`. */
  apiBaseUrl: string;
}

export interface LocatedOpenApiSourceConfig {
  kind: "openapi";
  /** An http(s) URL or a file path of an OpenAPI 3.0 document. */
  location: string;
}

/** An OpenAPI document in a GitHub repository, pinned by commit: `<rawBaseUrl>/<repo>/<ref>/<path>`. */
export interface PinnedOpenApiSourceConfig {
  kind: "openapi";
  /** `owner/name`. */
  repo: string;
  /** The document's path inside the repository, e.g. `openapi/stable.json`. */
  path: string;
  /** The pinned commit: 40 hex digits, never a branch. */
  ref: string;
  rawBaseUrl: string;
}

export type OpenApiSourceConfig = LocatedOpenApiSourceConfig | PinnedOpenApiSourceConfig;

export interface FolderSourceConfig {
  kind: "folder";
  /** A local folder in the upstream per-file layout. */
  path: string;
}

export type SourceConfig = GitHubSourceConfig | OpenApiSourceConfig | FolderSourceConfig;

/** A source that `--ref` pins: the GitHub folder, or an OpenAPI document given by repo, path and ref. */
export type PinnableSourceConfig = GitHubSourceConfig | PinnedOpenApiSourceConfig;

/** Root schema names, or "*" for every schema upstream has. */
export type Roots = readonly string[] | "*";

/** operationIds, or "*" for every operation upstream has; [] for none. */
export type Operations = readonly string[] | "*";

export interface SyncConfig {
  source: SourceConfig;
  roots: Roots;
  operations: Operations;
}

export const DEFAULT_CONFIG_PATH = "upstream.config.json";
export const SEED_ROOT = "PostCatalogItemCreateJobResponse";

export const DEFAULT_GITHUB_SOURCE: GitHubSourceConfig = {
  kind: "github",
  repo: "api-evangelist/klaviyo",
  folder: "json-schema",
  ref: "2ed7729f40aa23cac145e1e784890caf59205093",
  rawBaseUrl: "https://raw.githubusercontent.com",
  apiBaseUrl: "https://api.github.com",
};

export const DEFAULT_CONFIG: SyncConfig = {
  source: DEFAULT_GITHUB_SOURCE,
  roots: [SEED_ROOT],
  operations: [],
};

export const DEFAULT_RAW_BASE_URL = DEFAULT_GITHUB_SOURCE.rawBaseUrl;

const COMMIT = /^[0-9a-f]{40}$/;

export function isCommit(ref: string): boolean {
  return COMMIT.test(ref);
}

export function isPinnedOpenApi(source: SourceConfig): source is PinnedOpenApiSourceConfig {
  return source.kind === "openapi" && !("location" in source);
}

export function isPinnable(source: SourceConfig): source is PinnableSourceConfig {
  return source.kind === "github" || isPinnedOpenApi(source);
}

/** Where an OpenAPI source's document is: its location, or the raw URL its repo, ref and path make. */
export function openApiLocation(source: OpenApiSourceConfig): string {
  return "location" in source
    ? source.location
    : `${source.rawBaseUrl}/${source.repo}/${source.ref}/${source.path}`;
}

/** The source for messages: the folder, the document, or the repository and its commit. */
export function describeSource(source: SourceConfig): string {
  if (source.kind === "folder") return `folder ${source.path}`;
  if (source.kind === "openapi") return `openapi ${openApiLocation(source)}`;
  return `github ${source.repo}@${source.ref}`;
}

/** The config as read from disk, with its raw text kept for `--pin`. */
export interface LoadedConfig {
  path: string;
  /** undefined when the default config file is absent and the built-in default is used. */
  text: string | undefined;
  config: SyncConfig;
}

/** I/O edge. An explicitly named config must exist; a missing default falls back to DEFAULT_CONFIG. */
export function readConfig(path: string | undefined): LoadedConfig {
  const file = path ?? DEFAULT_CONFIG_PATH;
  if (path === undefined && !existsSync(file))
    return { path: file, text: undefined, config: DEFAULT_CONFIG };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new SchemaError(
      file,
      undefined,
      `cannot read the sync config (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  return { path: file, text, config: parseConfig(text, file) };
}

/** Pure. Relative file paths in the config are taken relative to the config file's folder. */
export function parseConfig(text: string, file: string): SyncConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SchemaError(file, undefined, `malformed JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new SchemaError(file, undefined, "expected a JSON object");
  allowOnly(file, "", value, ["$comment", "source", "roots", "operations"]);
  const source =
    value["source"] === undefined ? DEFAULT_GITHUB_SOURCE : parseSource(file, value["source"]);
  const operations =
    value["operations"] === undefined
      ? DEFAULT_CONFIG.operations
      : parseOperations(file, value["operations"]);
  const roots =
    value["roots"] === undefined
      ? DEFAULT_CONFIG.roots
      : parseRoots(file, value["roots"], operations === "*" || operations.length > 0);
  return { source, roots, operations };
}

function parseSource(file: string, source: unknown): SourceConfig {
  if (!isObject(source)) throw new SchemaError(file, "/source", "expected an object");
  const kind = source["kind"] ?? "github";
  const base = dirname(file);
  switch (kind) {
    case "github": {
      allowOnly(file, "/source", source, [
        "kind",
        "repo",
        "folder",
        "ref",
        "rawBaseUrl",
        "apiBaseUrl",
      ]);
      const github: GitHubSourceConfig = {
        kind: "github",
        repo: text(file, source, "repo", DEFAULT_GITHUB_SOURCE.repo),
        folder: text(file, source, "folder", DEFAULT_GITHUB_SOURCE.folder).replace(
          /^\/+|\/+$/g,
          "",
        ),
        ref: commit(file, text(file, source, "ref", DEFAULT_GITHUB_SOURCE.ref)),
        rawBaseUrl: baseUrl(file, source, "rawBaseUrl", DEFAULT_GITHUB_SOURCE.rawBaseUrl),
        apiBaseUrl: baseUrl(file, source, "apiBaseUrl", DEFAULT_GITHUB_SOURCE.apiBaseUrl),
      };
      repoName(file, github.repo);
      return github;
    }
    case "openapi": {
      if (source["location"] !== undefined || source["ref"] === undefined) {
        allowOnly(file, "/source", source, ["kind", "location"]);
        const location = text(file, source, "location", undefined);
        return {
          kind: "openapi",
          location:
            isUrl(location) || isAbsolute(location) || base === "."
              ? location
              : join(base, location),
        };
      }
      // Pinned: the document in a GitHub repository at a commit.
      allowOnly(file, "/source", source, ["kind", "repo", "path", "ref", "rawBaseUrl"]);
      const pinned: PinnedOpenApiSourceConfig = {
        kind: "openapi",
        repo: repoName(file, text(file, source, "repo", undefined)),
        path: text(file, source, "path", undefined).replace(/^\/+/, ""),
        ref: commit(file, text(file, source, "ref", undefined)),
        rawBaseUrl: baseUrl(file, source, "rawBaseUrl", DEFAULT_RAW_BASE_URL),
      };
      if (
        pinned.path
          .split("/")
          .some((segment) => segment === "" || segment === "." || segment === "..")
      )
        throw new SchemaError(
          file,
          "/source/path",
          `expected a file path inside the repository, found ${JSON.stringify(pinned.path)}`,
        );
      return pinned;
    }
    case "folder": {
      allowOnly(file, "/source", source, ["kind", "path"]);
      const path = text(file, source, "path", undefined);
      return { kind: "folder", path: isAbsolute(path) || base === "." ? path : join(base, path) };
    }
    default:
      throw new SchemaError(
        file,
        "/source/kind",
        `expected "github", "openapi" or "folder", found ${JSON.stringify(kind)}`,
      );
  }
}

function repoName(file: string, repo: string): string {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo))
    throw new SchemaError(
      file,
      "/source/repo",
      `expected "owner/name", found ${JSON.stringify(repo)}`,
    );
  return repo;
}

function commit(file: string, ref: string): string {
  if (!isCommit(ref))
    throw new SchemaError(
      file,
      "/source/ref",
      `expected a pinned commit (40 lowercase hex digits), found ${JSON.stringify(ref)}`,
    );
  return ref;
}

/** A list may be empty only when operations are selected: something must be vendored. */
function parseRoots(file: string, roots: unknown, operationsSelected: boolean): Roots {
  if (roots === "*") return "*";
  if (
    !Array.isArray(roots) ||
    (roots.length === 0 && !operationsSelected) ||
    !roots.every((r) => typeof r === "string" && r !== "")
  ) {
    throw new SchemaError(
      file,
      "/roots",
      `expected "*" or a non-empty list of schema names (empty only beside a non-empty "operations")`,
    );
  }
  return roots as string[];
}

function parseOperations(file: string, operations: unknown): Operations {
  if (operations === "*") return "*";
  if (!Array.isArray(operations) || !operations.every((o) => typeof o === "string" && o !== ""))
    throw new SchemaError(file, "/operations", `expected "*" or a list of operationIds`);
  return operations as string[];
}

function allowOnly(file: string, at: string, object: JsonObject, keys: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (!keys.includes(key))
      throw new SchemaError(
        file,
        `${at}/${key}`,
        `unknown key (expected one of ${keys.join(", ")})`,
      );
  }
}

function text(file: string, object: JsonObject, key: string, fallback: string | undefined): string {
  const value = object[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "string" || value === "")
    throw new SchemaError(file, `/source/${key}`, "expected a non-empty string");
  return value;
}

function baseUrl(file: string, object: JsonObject, key: string, fallback: string): string {
  const value = text(file, object, key, fallback);
  if (!isUrl(value))
    throw new SchemaError(
      file,
      `/source/${key}`,
      `expected an http(s) URL, found ${JSON.stringify(value)}`,
    );
  return value.replace(/\/+$/, "");
}

export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/**
 * The config text with its source pinned to `ref`, for `--pin`: a github source, or an openapi source in its
 * repo/path/ref form. `kind` is the kind of the source that was synced (the config's own unless `--from`
 * chose another), which must be the config's. Other keys keep their values and order.
 */
export function pinConfigText(
  loaded: LoadedConfig,
  ref: string,
  kind: SourceConfig["kind"] = loaded.config.source.kind,
): string {
  if (loaded.text === undefined)
    throw new SchemaError(
      loaded.path,
      undefined,
      "--pin needs a config file to write the commit into, and there is none",
    );
  const value = JSON.parse(loaded.text) as JsonObject;
  const source = isObject(value["source"]) ? value["source"] : {};
  if (!isPinnable(loaded.config.source))
    throw new SchemaError(
      loaded.path,
      "/source",
      "--pin only pins a github source or an openapi source given by repo, path and ref",
    );
  if (kind !== loaded.config.source.kind)
    throw new SchemaError(
      loaded.path,
      "/source/kind",
      `--pin writes the commit into this config's ${loaded.config.source.kind} source, but the source synced is ${kind}`,
    );
  source["ref"] = ref;
  value["source"] = source;
  return JSON.stringify(value, null, 2) + "\n";
}

/**
 * `--from`: "github" (the config's GitHub source, or the default one), an http(s) URL (an OpenAPI document),
 * a folder (per-file layout) or a file (an OpenAPI document). `--ref` then pins a GitHub source.
 */
export function chooseSource(
  configured: SourceConfig,
  from: string | undefined,
  ref: string | undefined,
): SourceConfig {
  let source = configured;
  if (from === "github") source = configured.kind === "github" ? configured : DEFAULT_GITHUB_SOURCE;
  else if (from !== undefined && isUrl(from)) source = { kind: "openapi", location: from };
  else if (from !== undefined) {
    if (!existsSync(from))
      throw new UsageError(
        `--from ${from}: no such file or folder (expected github, a URL, a file or a folder)`,
      );
    source = statSync(from).isDirectory()
      ? { kind: "folder", path: from }
      : { kind: "openapi", location: from };
  }
  if (ref !== undefined) {
    if (!isPinnable(source))
      throw new UsageError(
        `--ref pins a github source, but the source is ${describeSource(source)} (an openapi source is pinned in its repo, path and ref form)`,
      );
    if (!isCommit(ref))
      throw new UsageError(
        `--ref ${ref}: expected a full commit id (40 lowercase hex digits); a branch is not a pin (git ls-remote https://github.com/${source.repo}.git HEAD gives the newest)`,
      );
    source = { ...source, ref };
  }
  return source;
}
