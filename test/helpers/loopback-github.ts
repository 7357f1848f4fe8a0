/**
 * A loopback stand-in for GitHub, started by a test on 127.0.0.1 and a free port, in GitHub's URL layout:
 *   raw files     <base>/<owner>/<repo>/<commit>/<folder>/<file>
 *   tree listing  <base>/api/repos/<owner>/<repo>/git/trees/<commit>?recursive=1
 * (the API under /api, as GitHub Enterprise serves it, so a mixed-up base URL shows). The listing gives each
 * file's git blob id, computed from `files`; overrides change what is served without changing the listing.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { GitHubSourceConfig } from "../../scripts/sync/config.js";

export type Override =
  /** Answer with this status and a short text body. */
  | { status: number }
  /** Serve these bytes instead (the listing keeps the blob id of the listed bytes); chunked: no Content-Length. */
  | { body: Uint8Array | string; chunked?: boolean }
  /** Claim this Content-Length but send the listed bytes. */
  | { contentLength: number }
  /** Never answer. */
  | { hang: true }
  /** Send the headers and the first bytes, then nothing more. */
  | { stall: true };

interface LoopbackOptions {
  owner?: string;
  repo?: string;
  commit?: string;
  folder?: string;
  /** The folder's files: listed, with their blob ids, and served. */
  files: ReadonlyMap<string, Uint8Array>;
  /** By file name: served instead of the file. */
  overrides?: ReadonlyMap<string, Override>;
  /** Served instead of the tree listing. */
  listing?: Override;
  /** Mark the listing truncated, as GitHub does past its limits. */
  truncated?: boolean;
}

export interface LoopbackGitHub {
  /** A GitHub source config pointing here. */
  source: GitHubSourceConfig;
  baseUrl: string;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

export const LOOPBACK_COMMIT = "2ed7729f40aa23cac145e1e784890caf59205093";

export async function startLoopbackGitHub(options: LoopbackOptions): Promise<LoopbackGitHub> {
  const owner = options.owner ?? "api-evangelist";
  const repo = options.repo ?? "klaviyo";
  const commit = options.commit ?? LOOPBACK_COMMIT;
  const folder = options.folder ?? "json-schema";
  const requests: string[] = [];
  const rawPrefix = `/${owner}/${repo}/${commit}/${folder}/`;
  const treePath = `/api/repos/${owner}/${repo}/git/trees/${commit}`;

  const tree = {
    sha: createHash("sha1").update(commit).digest("hex"),
    url: `${treePath}`,
    tree: [
      {
        path: "README.md",
        mode: "100644",
        type: "blob",
        sha: gitBlobId(Buffer.from("# klaviyo\n")),
        size: 10,
      },
      { path: folder, mode: "040000", type: "tree", sha: "0".repeat(40) },
      // Not directly in the folder, or not a blob: a sync must skip these.
      {
        path: `${folder}/nested/klaviyo-nested-schema.json`,
        mode: "100644",
        type: "blob",
        sha: "1".repeat(40),
        size: 2,
      },
      {
        path: `openapi/klaviyo-openapi.json`,
        mode: "100644",
        type: "blob",
        sha: "2".repeat(40),
        size: 2,
      },
      ...[...options.files].map(([name, bytes]) => ({
        path: `${folder}/${name}`,
        mode: "100644",
        type: "blob",
        sha: gitBlobId(bytes),
        size: bytes.byteLength,
      })),
    ],
    truncated: options.truncated ?? false,
  };
  const listing = Buffer.from(JSON.stringify(tree));

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    requests.push(url.pathname + url.search);
    if (request.method !== "GET") return answer(response, { status: 405 }, undefined);
    if (url.pathname === treePath && url.searchParams.get("recursive") === "1") {
      return answer(response, options.listing, listing, "application/json");
    }
    if (url.pathname.startsWith(rawPrefix)) {
      const name = decodeURIComponent(url.pathname.slice(rawPrefix.length));
      const bytes = options.files.get(name);
      const override = options.overrides?.get(name);
      if (bytes !== undefined || override !== undefined)
        return answer(response, override, bytes, "text/plain; charset=utf-8");
    }
    answer(response, { status: 404 }, undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    source: {
      kind: "github",
      repo: `${owner}/${repo}`,
      folder,
      ref: commit,
      rawBaseUrl: baseUrl,
      apiBaseUrl: `${baseUrl}/api`,
    },
    baseUrl,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function answer(
  response: ServerResponse,
  override: Override | undefined,
  bytes: Uint8Array | undefined,
  type = "text/plain",
): void {
  if (override === undefined || "contentLength" in override) {
    if (bytes === undefined) return answer(response, { status: 404 }, undefined);
    const length = override?.contentLength ?? bytes.byteLength;
    response.writeHead(200, { "content-type": type, "content-length": String(length) });
    response.end(length >= bytes.byteLength ? bytes : Buffer.from(bytes).subarray(0, length));
    return;
  }
  if ("status" in override) {
    const text = `${override.status}: ${override.status === 404 ? "Not Found" : "error"}`;
    response.writeHead(override.status, {
      "content-type": "text/plain",
      "content-length": String(Buffer.byteLength(text)),
    });
    response.end(text);
    return;
  }
  if ("hang" in override) return;
  if ("stall" in override) {
    response.writeHead(200, { "content-type": type });
    response.write(Buffer.from(bytes ?? "{").subarray(0, 1));
    return;
  }
  const body = Buffer.from(override.body);
  if (override.chunked) {
    response.writeHead(200, { "content-type": type });
    // Several writes without a Content-Length: Node sends them chunked.
    for (let i = 0; i < body.byteLength; i += 16 * 1024)
      response.write(body.subarray(i, i + 16 * 1024));
    response.end();
    return;
  }
  response.writeHead(200, { "content-type": type, "content-length": String(body.byteLength) });
  response.end(body);
}

/** Computed here, independently of the sync code under test. */
function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

/** The `*.json` files of a folder (all, or the named ones) as the server's `files`. */
export function readFolderFiles(dir: string, names?: readonly string[]): Map<string, Buffer> {
  const chosen =
    names ??
    readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort();
  return new Map(chosen.map((name) => [name, readFileSync(join(dir, name))]));
}
