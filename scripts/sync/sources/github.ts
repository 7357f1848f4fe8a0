/**
 * The GitHub JSON Schema folder, pinned by commit. One call to the git trees API lists the folder (GitHub's
 * contents API stops at 1,000 entries; the folder has more), then raw files are fetched only as the closure
 * needs them. Each file's git blob id must match the listing's: the commit vouches for every byte.
 */
import { createHash } from "node:crypto";
import { SchemaError } from "../../pipeline/errors.js";
import { byCodeUnit, isObject } from "../../pipeline/json.js";
import type { GitHubSourceConfig } from "../config.js";
import { decodeUtf8, fetchBytes, type FetchLimits } from "../http.js";
import type { Source, SourceFile } from "./source.js";

/** Parallel downloads; enough to hide latency without hammering the host. */
const CONCURRENCY = 8;

export interface GitHubOptions {
  limits: FetchLimits;
  /** Sent only to https://api.github.com, to lift the unauthenticated rate limit in CI. */
  token?: string;
  say?: (line: string) => void;
}

export function treeUrl(config: GitHubSourceConfig): string {
  return `${config.apiBaseUrl}/repos/${config.repo}/git/trees/${config.ref}?recursive=1`;
}

export function rawFolderUrl(config: GitHubSourceConfig): string {
  return `${config.rawBaseUrl}/${config.repo}/${config.ref}/${config.folder}/`;
}

export async function openGitHubSource(
  config: GitHubSourceConfig,
  options: GitHubOptions,
): Promise<Source> {
  const listUrl = treeUrl(config);
  options.say?.(
    `sync: listing ${config.repo}@${config.ref.slice(0, 12)} ${config.folder}/ (${listUrl})`,
  );
  const headers: Record<string, string> = {
    accept: "application/vnd.github+json",
    "x-github-api-version": "2022-11-28",
  };
  if (options.token && config.apiBaseUrl === "https://api.github.com")
    headers["authorization"] = `Bearer ${options.token}`;
  const blobs = parseTree(
    listUrl,
    await fetchBytes(listUrl, options.limits, headers),
    config.folder,
  );
  if (blobs.size === 0)
    throw new SchemaError(
      listUrl,
      undefined,
      `no *.json files in ${config.folder}/ at commit ${config.ref}`,
    );
  const folderUrl = rawFolderUrl(config);

  const readOne = async (fileName: string): Promise<SourceFile> => {
    const url = folderUrl + encodeURIComponent(fileName);
    const bytes = await fetchBytes(url, options.limits);
    const expected = blobs.get(fileName);
    const actual = gitBlobId(bytes);
    if (actual !== expected) {
      throw new SchemaError(
        url,
        undefined,
        `hash mismatch: content has git blob id ${actual}, but commit ${config.ref} lists ${expected} (${listUrl})`,
      );
    }
    return { fileName, path: url, bytes };
  };

  return {
    kind: "github",
    location: folderUrl,
    revision: config.ref,
    fileNames: [...blobs.keys()].sort(byCodeUnit),
    async read(fileNames) {
      for (const name of fileNames) {
        if (!blobs.has(name)) throw new Error(`internal: ${name} is not in the listing`);
      }
      if (fileNames.length > 1)
        options.say?.(`sync: fetching ${fileNames.length} files from ${folderUrl}`);
      return mapLimit(fileNames, CONCURRENCY, readOne);
    },
  };
}

/** The git trees response → blob id by file name, for `*.json` files directly inside `folder`. */
function parseTree(url: string, bytes: Uint8Array, folder: string): Map<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(decodeUtf8(url, bytes));
  } catch (error) {
    if (error instanceof SchemaError) throw error;
    throw new SchemaError(url, undefined, `malformed JSON: ${(error as Error).message}`);
  }
  if (!isObject(value) || !Array.isArray(value["tree"]))
    throw new SchemaError(url, undefined, 'not a git tree listing: no "tree" array');
  // A truncated listing would silently drop schemas; refuse it rather than vendor a partial set.
  if (value["truncated"] === true)
    throw new SchemaError(
      url,
      undefined,
      "the git tree listing is truncated by GitHub; the folder cannot be listed completely",
    );
  const prefix = folder + "/";
  const blobs = new Map<string, string>();
  value["tree"].forEach((entry, i) => {
    if (!isObject(entry) || typeof entry["path"] !== "string")
      throw new SchemaError(url, `/tree/${i}`, 'not a tree entry: no "path"');
    const path = entry["path"];
    if (entry["type"] !== "blob" || !path.startsWith(prefix) || !path.endsWith(".json")) return;
    const fileName = path.slice(prefix.length);
    if (fileName.includes("/")) return;
    if (typeof entry["sha"] !== "string" || !/^[0-9a-f]{40}$/.test(entry["sha"]))
      throw new SchemaError(url, `/tree/${i}/sha`, "expected a git blob id");
    blobs.set(fileName, entry["sha"]);
  });
  return blobs;
}

/** Git's object id of a blob: sha1 over `blob <size>\0<content>`. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

/**
 * Runs `task` over `items`, at most `limit` at a time, results in input order. After a failure no new task
 * starts; once the running ones settle, the first failure in input order is thrown (stable messages).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const failures: { index: number; error: unknown }[] = [];
  let next = 0;
  const worker = async () => {
    while (failures.length === 0 && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index]!);
      } catch (error) {
        failures.push({ index, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures.sort((a, b) => a.index - b.index)[0]!.error;
  return results;
}
