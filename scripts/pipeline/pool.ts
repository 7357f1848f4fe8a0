/**
 * Where the heavy work of a run happens: prettier runs (`format`) and openapi-typescript's emitting
 * (`emit`), on worker threads, or in this thread when `threads` is 0. Workers start at once and, when
 * asked to preload, load TypeScript (and prettier) while this thread is still busy; results come back per
 * request, whatever order the threads finish in. A set to emit from goes to each worker once, however many
 * requests name it: a worker keeps the emitter of the last set it was sent.
 */
import { Worker } from "node:worker_threads";
import type { EmitReply, EmitRequest } from "./emit.js";
import type { PoolReply, PoolRequest } from "./pool-worker.js";

export interface Pool {
  /** Worker threads; 0 when the work happens in this thread. */
  readonly threads: number;
  format(text: string): Promise<string>;
  emit(request: EmitRequest): Promise<EmitReply>;
  /** Lets the workers finish and exit; resolves when they have. A run need not wait: Node waits for them. */
  close(): Promise<void>;
}

interface Job {
  message:
    | { id: number; kind: "format"; text: string }
    | { id: number; kind: "emit"; request: EmitRequest };
  resolve: (result: never) => void;
  reject: (error: Error) => void;
}

export interface PoolOptions {
  /** Load at once, while this thread works: the emitter (TypeScript) and prettier, or only the emitter. */
  preload?: boolean | "emitter";
}

export function createPool(threads: number, options: PoolOptions = {}): Pool {
  return threads > 0 ? workerPool(threads, options.preload ?? false) : inThreadPool();
}

/** The same work in this thread; the heavy modules are imported on first use. */
function inThreadPool(): Pool {
  return {
    threads: 0,
    format: async (text) => (await import("./format.js")).formatDeclarations(text),
    emit: async (request) => (await import("./emit.js")).emitParts(request),
    close: async () => {},
  };
}

/**
 * Requests a worker may hold at once. More than one, so that a worker goes on to the next while this thread
 * is busy and has not yet read its last answer; few, so that work spreads over the workers.
 */
const MAX_IN_FLIGHT = 8;

function workerPool(threads: number, preload: boolean | "emitter"): Pool {
  const pending = new Map<number, Job>();
  // Sets to emit from, by identity, and which one each worker holds.
  const inputIds = new WeakMap<object, number>();
  const held = new Map<Worker, number>();
  const queue: number[] = [];
  // Requests posted to each live worker and not answered yet.
  const inFlight = new Map<Worker, number>();
  // Workers that have been sent a request (not only asked to preload).
  const used = new Set<Worker>();
  const exited = new Map<Worker, Promise<void>>();
  let nextId = 0;
  let nextInput = 0;
  let failure: Error | undefined;
  let closing = false;

  const fail = (error: Error) => {
    failure ??= error;
    for (const job of pending.values()) job.reject(failure);
    pending.clear();
    queue.length = 0;
  };
  const dispatch = () => {
    while (queue.length > 0) {
      let worker: Worker | undefined;
      let least = MAX_IN_FLIGHT;
      for (const [candidate, count] of inFlight)
        if (count < least) [worker, least] = [candidate, count];
      if (worker === undefined) return;
      inFlight.set(worker, least + 1);
      used.add(worker);
      const { message } = pending.get(queue.shift()!)!;
      if (message.kind === "format") {
        worker.postMessage(message satisfies PoolRequest);
        continue;
      }
      const { input, parts } = message.request;
      let inputId = inputIds.get(input);
      if (inputId === undefined) inputIds.set(input, (inputId = nextInput++));
      const sendInput = held.get(worker) !== inputId;
      held.set(worker, inputId);
      worker.postMessage({
        id: message.id,
        kind: "emit",
        inputId,
        ...(sendInput ? { input } : {}),
        parts,
      } satisfies PoolRequest);
    }
  };
  for (let i = 0; i < threads; i++) {
    const worker = startWorker();
    worker.on("message", (reply: PoolReply) => {
      if (inFlight.has(worker)) inFlight.set(worker, inFlight.get(worker)! - 1);
      const job = pending.get(reply.id);
      pending.delete(reply.id);
      if ("error" in reply)
        job?.reject(new Error(`${job.message.kind} in a worker thread failed: ${reply.error}`));
      else job?.resolve(reply.result as never);
      dispatch();
    });
    worker.on("error", (error) => fail(error));
    exited.set(
      worker,
      new Promise((resolve) =>
        worker.once("exit", (code) => {
          inFlight.delete(worker);
          if (!closing) fail(new Error(`a worker thread stopped (exit code ${code})`));
          resolve();
        }),
      ),
    );
    if (preload)
      worker.postMessage({ kind: "preload", formatter: preload === true } satisfies PoolRequest);
    inFlight.set(worker, 0);
  }

  const submit = <T>(message: Job["message"]) =>
    failure
      ? Promise.reject(failure)
      : new Promise<T>((resolve, reject) => {
          pending.set(message.id, { message, resolve: resolve as (result: never) => void, reject });
          queue.push(message.id);
          dispatch();
        });
  return {
    threads,
    format: (text) => submit<string>({ id: nextId++, kind: "format", text }),
    emit: (request) => submit<EmitReply>({ id: nextId++, kind: "emit", request }),
    async close() {
      closing = true;
      for (const worker of exited.keys()) {
        // Asked to stop rather than terminated, a worker exits normally, and its exit handlers run (the code
        // cache of what it loaded). One that was never asked for anything, as when the run failed before it
        // needed the worker, may still be loading: it is stopped at once, or the process would wait for it.
        if (used.has(worker)) worker.postMessage(null);
        else void worker.terminate();
      }
      await Promise.all(exited.values());
    },
  };
}

/**
 * The worker's module next to this one: the bundled .mjs in a build (scripts/build.ts), or the .ts source
 * when running from source under tsx, whose loader a worker thread has to register for itself.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./pool-worker.mjs", import.meta.url));
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const source = JSON.stringify(new URL("./pool-worker.ts", import.meta.url).href);
  return new Worker(
    `import(${api}).then((tsx) => { tsx.register(); return import(${source}); });`,
    { eval: true },
  );
}
