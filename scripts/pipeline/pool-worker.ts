/**
 * A worker thread of pool.ts: formats texts and emits members as it is asked, one message each, until
 * it is sent null. Asked to preload, it loads the emitter (TypeScript) and prettier at once, while the
 * thread that started it is still busy.
 */
import { parentPort } from "node:worker_threads";
import type { EmitReply, EmitRequest } from "./emit.js";

export type PoolRequest =
  | { kind: "preload" }
  | { id: number; kind: "format"; text: string }
  | { id: number; kind: "emit"; request: EmitRequest };
export type PoolReply = { id: number; result: string | EmitReply } | { id: number; error: string };

const port = parentPort;
if (port === null) throw new Error("pool-worker: run me as a worker thread of pool.ts");
const emitter = () => import("./emit.js");
const formatter = () => import("./format.js");

/** Loads the emitter and prettier (which loads its parser on first use). Errors surface with the real request. */
async function warmUp(): Promise<void> {
  try {
    await emitter();
    await (await formatter()).formatDeclarations("export type A = 1;\n");
  } catch {
    // the request that follows reports it
  }
}

port.on("message", (message: PoolRequest | null) => {
  if (message === null) {
    port.close();
    return;
  }
  if (message.kind === "preload") {
    void warmUp();
    return;
  }
  const work =
    message.kind === "format"
      ? formatter().then((m) => m.formatDeclarations(message.text))
      : emitter().then((m) => m.emitParts(message.request));
  work.then(
    (result) => port.postMessage({ id: message.id, result } satisfies PoolReply),
    (error: unknown) =>
      port.postMessage({
        id: message.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies PoolReply),
  );
});
