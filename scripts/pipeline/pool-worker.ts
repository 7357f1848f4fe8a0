/**
 * A worker thread of pool.ts: formats texts and emits members as it is asked, one message each, until
 * it is sent null. Asked to preload, it loads the emitter (TypeScript), and prettier unless told not to, at
 * once, while the thread that started it is still busy. The set to emit from comes with the first request
 * that names it; the emitter made from it serves the requests after.
 */
import { parentPort } from "node:worker_threads";
import type { EmitInput, EmitReply, PartEmitter, PartId } from "./emit.js";

export type PoolRequest =
  | { kind: "preload"; formatter: boolean }
  | { id: number; kind: "format"; text: string }
  | { id: number; kind: "emit"; inputId: number; input?: EmitInput; parts: PartId[] };
export type PoolReply = { id: number; result: string | EmitReply } | { id: number; error: string };

const port = parentPort;
if (port === null) throw new Error("pool-worker: run me as a worker thread of pool.ts");
const emitter = () => import("./emit.js");
const formatter = () => import("./format.js");

/** Loads the emitter and prettier (which loads its parser on first use). Errors surface with the real request. */
async function warmUp(withFormatter: boolean): Promise<void> {
  try {
    await emitter();
    if (withFormatter) await (await formatter()).formatDeclarations("export type A = 1;\n");
  } catch {
    // the request that follows reports it
  }
}

let current: { inputId: number; emitter: PartEmitter } | undefined;
/**
 * Emit requests in the order they came: each awaits the emitter's import first, and two such awaits need not
 * end in the order they began (under a loader such as tsx's), while the first request for a set is the one
 * that brings it.
 */
let emits: Promise<unknown> = Promise.resolve();

async function emit(message: Extract<PoolRequest, { kind: "emit" }>): Promise<EmitReply> {
  const { createEmitter } = await emitter();
  if (message.input !== undefined)
    current = { inputId: message.inputId, emitter: createEmitter(message.input) };
  if (current?.inputId !== message.inputId)
    throw new Error(
      `pool-worker: asked to emit from set ${message.inputId}, which it was not sent`,
    );
  const { emitter: parts } = current;
  return { parts: message.parts.map((id) => parts.part(id)) };
}

port.on("message", (message: PoolRequest | null) => {
  if (message === null) {
    port.close();
    return;
  }
  if (message.kind === "preload") {
    void warmUp(message.formatter);
    return;
  }
  const work =
    message.kind === "format"
      ? formatter().then((m) => m.formatDeclarations(message.text))
      : emits.then(() => emit(message));
  if (message.kind === "emit") emits = work.catch(() => {});
  work.then(
    (result) => port.postMessage({ id: message.id, result } satisfies PoolReply),
    (error: unknown) =>
      port.postMessage({
        id: message.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies PoolReply),
  );
});
