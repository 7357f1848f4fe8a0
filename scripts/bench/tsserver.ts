/**
 * The editor's cost of the package: TypeScript's tsserver, started fresh for each sample, driven over stdio
 * the way an editor drives it (requests one JSON object a line; responses and events framed by a
 * `Content-Length` header), timed from the `open` of a consumer file to the response of the first
 * `completionInfo` request at a marked position in it. The completion must list the type's members, and
 * nothing else: an empty list, or the names in scope that an object literal of an unresolved type offers,
 * means the import did not resolve, and is an error, not a fast sample.
 *
 * The time excludes starting node and loading tsserver.js: the clock starts once the server has answered
 * a `status` request. It includes what opening a file costs an editor: finding the tsconfig.json, loading
 * the program (lib files, the package's declarations), and checking what the completion needs.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";

/** Where a completion is asked for in a consumer's source: this marker, removed before the file is written. */
export const CARET = "/*|*/";

export interface CompletionSample {
  /** From sending `open` to the `completionInfo` response, in seconds. */
  seconds: number;
  /** From sending `open` to its own response (the project loaded), in seconds. */
  openSeconds: number;
  /** How many entries the completion listed (at least one, every one a member of the type). */
  entries: number;
}

export interface CompletionRequest {
  /** The tsserver.js to run (node_modules/typescript/lib/tsserver.js of the project). */
  tsserver: string;
  /** The consumer file to open: in a folder with the tsconfig.json that includes it. */
  file: string;
  /** Its text; the position of the completion is where CARET was (see `withCaret`). */
  text: string;
  line: number;
  offset: number;
  /**
   * Member names the completion must list. Every entry must be a member (a property or a method): where the
   * type does not resolve, an object literal's completion lists the names in scope instead (for shorthand
   * properties), which is not the answer the time is meant to measure.
   */
  expectEntries: readonly string[];
  /** Per sample, for the whole exchange (start-up included); default 120 s. */
  timeoutMs?: number;
}

/** `source` without its CARET, and the 1-based line and offset where it was. */
export function withCaret(source: string): { text: string; line: number; offset: number } {
  const at = source.indexOf(CARET);
  if (at < 0 || source.indexOf(CARET, at + 1) >= 0)
    throw new Error(`tsserver: the source must hold exactly one ${CARET}`);
  const before = source.slice(0, at).split("\n");
  return {
    text: source.slice(0, at) + source.slice(at + CARET.length),
    line: before.length,
    offset: before.at(-1)!.length + 1,
  };
}

const live = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;

/** Servers still running when the bench exits (an error thrown mid-sample, say) are killed with it. */
function killOnExit(child: ChildProcessWithoutNullStreams): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const c of live) c.kill("SIGKILL");
  });
}

interface Message {
  type: "response" | "event";
  request_seq?: number;
  command?: string;
  event?: string;
  success?: boolean;
  message?: string;
  body?: unknown;
}

/** One fresh tsserver: open the file, ask for completions at the position, time it, stop the server. */
export async function timeToFirstCompletion(request: CompletionRequest): Promise<CompletionSample> {
  const timeoutMs = request.timeoutMs ?? 120_000;
  const env = { ...process.env };
  delete env["TSS_LOG"]; // no server log: it would cost time and disk
  const child = spawn(
    process.execPath,
    [
      request.tsserver,
      "--disableAutomaticTypingAcquisition",
      "--suppressDiagnosticEvents",
      "--locale",
      "en",
    ],
    { cwd: join(request.file, ".."), env, stdio: ["pipe", "pipe", "pipe"] },
  );
  killOnExit(child);
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const waiting = new Map<number, (message: Message) => void>();
  let failed: ((error: Error) => void) | undefined;
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  failure.catch(() => {}); // handled where it is raced
  const fail = (error: Error) => failed!(error);

  // Framing: "Content-Length: N\r\n\r\n" then N bytes of JSON; bytes, not characters.
  let buffer = Buffer.alloc(0);
  child.stdout.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const header = buffer.subarray(0, headerEnd).toString("utf8");
      const length = /Content-Length: (\d+)/i.exec(header);
      if (length === null) {
        fail(new Error(`tsserver: a message without Content-Length: ${header.slice(0, 200)}`));
        return;
      }
      const start = headerEnd + 4;
      const end = start + Number(length[1]);
      if (buffer.length < end) return;
      const json = buffer.subarray(start, end).toString("utf8");
      buffer = buffer.subarray(end);
      let message: Message;
      try {
        message = JSON.parse(json) as Message;
      } catch {
        fail(new Error(`tsserver: a message that is not JSON: ${json.slice(0, 200)}`));
        return;
      }
      if (message.type === "response" && message.request_seq !== undefined) {
        waiting.get(message.request_seq)?.(message);
        waiting.delete(message.request_seq);
      }
    }
  });
  child.once("error", (error) => fail(new Error(`tsserver: could not start: ${error.message}`)));
  child.once("exit", (code, signal) =>
    fail(
      new Error(
        `tsserver exited (${code ?? signal}) before answering${stderr.trim() ? `:\n${stderr.trim()}` : ""}`,
      ),
    ),
  );
  const timer = setTimeout(
    () =>
      fail(
        new Error(
          `tsserver: no completionInfo response within ${timeoutMs / 1000} s for ${request.file}`,
        ),
      ),
    timeoutMs,
  );

  let seq = 0;
  const send = (command: string, args?: unknown): Promise<Message> => {
    const id = ++seq;
    const answered = new Promise<Message>((resolve) => waiting.set(id, resolve));
    child.stdin.write(
      JSON.stringify({ seq: id, type: "request", command, arguments: args }) + "\n",
    );
    return Promise.race([answered, failure]);
  };
  const ok = (message: Message, what: string): Message => {
    if (message.success !== true)
      throw new Error(`tsserver: ${what} failed: ${message.message ?? "no message"}`);
    return message;
  };

  try {
    ok(await send("status"), "status"); // the server is up and reading requests
    const started = process.hrtime.bigint();
    // One after the other, so that the open's own time (the project loaded) can be told apart; sent together,
    // the server answers both in the same turn and the split is lost.
    ok(
      await send("open", {
        file: request.file,
        fileContent: request.text,
        scriptKindName: "TS",
        projectRootPath: join(request.file, ".."),
      }),
      "open",
    );
    const openSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const completion = ok(
      await send("completionInfo", {
        file: request.file,
        line: request.line,
        offset: request.offset,
      }),
      "completionInfo",
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const entries =
      (completion.body as { entries?: { name: string; kind: string }[] } | undefined)?.entries ??
      [];
    const where = `tsserver: the completion at ${request.file}:${request.line}:${request.offset}`;
    if (entries.length === 0) throw new Error(`${where} lists nothing: the type did not resolve`);
    const others = entries.filter((e) => e.kind !== "property" && e.kind !== "method");
    if (others.length > 0)
      throw new Error(
        `${where} lists ${others.length} entries that are not members (${others
          .slice(0, 3)
          .map((e) => `${e.name}: ${e.kind}`)
          .join(", ")}, ...): the type did not resolve`,
      );
    const missing = request.expectEntries.filter((n) => !entries.some((e) => e.name === n));
    if (missing.length > 0)
      throw new Error(
        `${where} lacks ${missing.join(", ")} (it lists ${entries.map((e) => e.name).join(", ")})`,
      );
    return { seconds, openSeconds, entries: entries.length };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end(JSON.stringify({ seq: ++seq, type: "request", command: "exit" }) + "\n");
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      const grace = setTimeout(() => child.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(grace);
    }
  }
}
