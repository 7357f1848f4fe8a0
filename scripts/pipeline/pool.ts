/**
 * Where the heavy work of a run happens: prettier runs (`format`) and openapi-typescript's emitting
 * (`emit`), on worker threads, or in this thread when `threads` is 0. Workers start at once and, when
 * asked to preload, load TypeScript and prettier while this thread is still busy; results come back per
 * request, whatever order the threads finish in.
 */
import { Worker } from "node:worker_threads";
import type { EmitReply, EmitRequest } from "./emit.js";
import type { PoolReply, PoolRequest } from "./pool-worker.js";

export interface Pool {
  format(text: string): Promise<string>;
  emit(request: EmitRequest): Promise<EmitReply>;
  /** Lets the workers finish and exit; resolves when they have. A run need not wait: Node waits for them. */
  close(): Promise<void>;
}

interface Job {
  message: Extract<PoolRequest, { id: number }>;
  resolve: (result: never) => void;
  reject: (error: Error) => void;
}

export function createPool(threads: number, options: { preload?: boolean } = {}): Pool {
  return threads > 0 ? workerPool(threads, options.preload ?? false) : inThreadPool();
}

/** The same work in this thread; the heavy modules are imported on first use. */
function inThreadPool(): Pool {
  return {
    format: async (text) => (await import("./format.js")).formatDeclarations(text),
    emit: async (request) => (await import("./emit.js")).emitParts(request),
    close: async () => {},
  };
}

function workerPool(threads: number, preload: boolean): Pool {
  const pending = new Map<number, Job>();
  const queue: number[] = [];
  const idle: Worker[] = [];
  const exited = new Map<Worker, Promise<void>>();
  let nextId = 0;
  let failure: Error | undefined;
  let closing = false;

  const fail = (error: Error) => {
    failure ??= error;
    for (const job of pending.values()) job.reject(failure);
    pending.clear();
    queue.length = 0;
  };
  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      idle.pop()!.postMessage(pending.get(queue.shift()!)!.message);
    }
  };
  for (let i = 0; i < threads; i++) {
    const worker = startWorker();
    worker.on("message", (reply: PoolReply) => {
      idle.push(worker);
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
          const index = idle.indexOf(worker);
          if (index !== -1) idle.splice(index, 1);
          if (!closing) fail(new Error(`a worker thread stopped (exit code ${code})`));
          resolve();
        }),
      ),
    );
    if (preload) worker.postMessage({ kind: "preload" } satisfies PoolRequest);
    idle.push(worker);
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
    format: (text) => submit<string>({ id: nextId++, kind: "format", text }),
    emit: (request) => submit<EmitReply>({ id: nextId++, kind: "emit", request }),
    async close() {
      closing = true;
      // Asked to stop rather than terminated, a worker exits normally, and its exit handlers run.
      for (const worker of exited.keys()) worker.postMessage(null);
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
