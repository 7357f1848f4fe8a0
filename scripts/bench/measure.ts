/**
 * Measuring one command as a child process: wall time around the whole process, and its peak resident
 * memory (max RSS, which covers worker threads, since they live in the same process). Max RSS comes from
 * GNU time (`/usr/bin/time -f %M`) when it is installed; otherwise it is reported as unknown.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

export interface Sample {
  seconds: number;
  /** Peak resident memory in MB, or null when GNU time is not available. */
  maxRssMb: number | null;
}

const GNU_TIME = "/usr/bin/time";
export const canMeasureMemory =
  existsSync(GNU_TIME) &&
  spawnSync(GNU_TIME, ["-f", "%M", "true"], { encoding: "utf8" }).status === 0;

/** Runs `argv` once; throws (with its stderr) when it exits with a code other than `expectStatus`. */
export function measure(
  argv: readonly string[],
  options: { cwd: string; scratch: string; expectStatus?: number },
): Sample {
  const statsFile = join(options.scratch, "time.txt");
  const command = canMeasureMemory ? [GNU_TIME, "-f", "%M", "-o", statsFile, ...argv] : [...argv];
  const started = process.hrtime.bigint();
  const run = spawnSync(command[0]!, command.slice(1), {
    cwd: options.cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.error) throw run.error;
  const expected = options.expectStatus ?? 0;
  if (run.status !== expected) {
    throw new Error(
      `bench: ${argv.join(" ")} exited ${run.status ?? run.signal}, expected ${expected}\n${run.stderr.trim()}`,
    );
  }
  let maxRssMb: number | null = null;
  if (canMeasureMemory) {
    const kb = Number(readFileSync(statsFile, "utf8").trim().split("\n").at(-1));
    maxRssMb = Number.isFinite(kb) ? kb / 1024 : null;
    rmSync(statsFile, { force: true });
  }
  return { seconds, maxRssMb };
}

/**
 * Runs `commands` one after the other, as one pipeline: the time is the sum of theirs, the peak memory the
 * largest of theirs (the stages do not overlap). Throws like `measure` when a stage fails.
 */
export function measurePipeline(
  commands: readonly (readonly string[])[],
  options: { cwd: string; scratch: string },
): Sample {
  let seconds = 0;
  let maxRssMb: number | null = canMeasureMemory ? 0 : null;
  for (const argv of commands) {
    const sample = measure(argv, options);
    seconds += sample.seconds;
    maxRssMb =
      maxRssMb === null || sample.maxRssMb === null ? null : Math.max(maxRssMb, sample.maxRssMb);
  }
  return { seconds, maxRssMb };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
