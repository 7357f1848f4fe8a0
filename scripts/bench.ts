/**
 * `npm run bench`: how fast generate is against its peers, and what the generated package costs its
 * consumers, measured in one run: every command is a child process, the cases are interleaved (each round
 * runs each case once, in a rotated order), and the report gives medians and ratios to the peer measured in
 * the same run. Absolute times depend on the machine and its load; the ratios are what to compare.
 *
 * Not a test: it asserts nothing and takes minutes. Results go to stdout (a table) and to a JSON file.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { build } from "esbuild";
import { setUpConsumers, type Consumer } from "./bench/consumer.js";
import { canMeasureMemory, measure, type Sample } from "./bench/measure.js";
import { formatReport, type BenchResults, type CaseResult } from "./bench/report.js";
import { buildCommands, ROOT } from "./build.js";
import { parseCommandLine, progress, runCli, UsageError } from "./cli.js";

const HELP = `Usage: npm run bench -- [options]

Measures, interleaved and repeated, in one run:
  generation   generate cold (--no-cache) on the whole upstream set, against json-schema-to-typescript and
               plain openapi-typescript + prettier on the same set; generate --check with nothing changed;
               generate after one schema changed (both with a warm cache); peak memory of each
  consumer     tsc --noEmit on consumers of the generated full-catalog package importing one type and fifty,
               minus the consumer with no import, with skipLibCheck on and off

Options:
  --runs N         repetitions of each case (default: 5)
  --schemas DIR    the schema set (default: $KLAVIYO_UPSTREAM_SET or ../shared/upstream/klaviyo-json-schema-2026-04-15)
  --json FILE      where the results go as JSON (default: bench/results.json)
  --only GROUP     generation or consumer (default: both)
  --command CMD    how to start generate (default: the "generate" script of package.json, minus npm itself)
  -h, --help       show this help`;

/** The schema whose change the "one schema changed" case makes: the project's seed schema. */
const CHANGED_FILE = "klaviyo-postcatalogitemcreatejobresponse-schema.json";
const ONE_TYPE = "PostCatalogItemCreateJobResponse";

async function main(): Promise<number> {
  const values = parseCommandLine(
    {
      runs: { type: "string", default: "5" },
      schemas: {
        type: "string",
        default:
          process.env["KLAVIYO_UPSTREAM_SET"] ??
          join(ROOT, "..", "shared", "upstream", "klaviyo-json-schema-2026-04-15"),
      },
      json: { type: "string", default: join(ROOT, "bench", "results.json") },
      only: { type: "string" },
      command: { type: "string" },
    },
    HELP,
  );
  if (values === undefined) return 0;
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new UsageError(`--runs wants a whole number, 1 or more, not "${values.runs}"`);
  if (values.only !== undefined && values.only !== "generation" && values.only !== "consumer")
    throw new UsageError(`--only is generation or consumer, not "${values.only}"`);
  const schemas = resolve(values.schemas);
  if (!existsSync(schemas))
    throw new UsageError(
      `no schema set at ${schemas} (set KLAVIYO_UPSTREAM_SET or pass --schemas)`,
    );
  const generate =
    values.command !== undefined ? commandLine(values.command) : npmScript("generate");

  progress("bench: building the command lines and the peers");
  await buildCommands();
  const peers = await buildPeers();
  const work = mkdtempSync(join(tmpdir(), "kst-bench-"));
  const scratch = join(work, "scratch");
  mkdirSync(scratch);
  const started = new Date();
  const loadBefore = loadavg();
  try {
    const results: BenchResults = {
      date: started.toISOString(),
      machine: {
        cpu: cpus()[0]?.model.trim() ?? "unknown",
        cores: availableParallelism(),
        memoryGb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        loadAverageBefore: round2(loadBefore[0]!),
        loadAverageAfter: 0,
      },
      runs,
      schemas: relative(ROOT, schemas) || ".",
      schemaCount: readdirSync(schemas).filter((f) => f.endsWith(".json")).length,
      generateCommand: generate
        .map((a) =>
          a === process.execPath
            ? "node"
            : relative(ROOT, a).startsWith("..")
              ? a
              : relative(ROOT, a) || a,
        )
        .join(" "),
      memoryMeasured: canMeasureMemory,
      cases: [],
    };
    if (values.only !== "consumer")
      results.cases.push(...benchGeneration(generate, peers, schemas, work, scratch, runs));
    if (values.only !== "generation")
      results.cases.push(...benchConsumers(generate, schemas, work, scratch, runs));
    results.machine.loadAverageAfter = round2(loadavg()[0]!);

    const report = formatReport(results);
    process.stdout.write(report.table + "\n");
    results.summary = report.summary;
    mkdirSync(dirname(resolve(values.json)), { recursive: true });
    writeFileSync(values.json, JSON.stringify(results, null, 2) + "\n");
    progress(`bench: results written to ${values.json}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return 0;
}

interface Case {
  id: string;
  label: string;
  argv: string[];
  /** Runs before each measured run, untimed. */
  prepare?: (round: number) => void;
  expectStatus?: number;
}

function benchGeneration(
  generate: string[],
  peers: Peers,
  schemas: string,
  work: string,
  scratch: string,
  runs: number,
): CaseResult[] {
  const cold = join(work, "generated-cold");
  const cache = join(work, "cache");
  const copy = join(work, "schemas-copy");
  cpSync(schemas, copy, { recursive: true });
  const changed = join(copy, CHANGED_FILE);
  if (!existsSync(changed)) throw new Error(`bench: the set has no ${CHANGED_FILE} to change`);
  const original = JSON.parse(readFileSync(changed, "utf8")) as Record<string, unknown>;
  const oneChanged = [
    ...generate,
    "--schemas",
    copy,
    "--out",
    join(work, "generated-one"),
    "--quiet",
    "--cache-dir",
    cache,
  ];
  const cases: Case[] = [
    {
      id: "generate-cold",
      label: "generate, cold (--no-cache)",
      argv: [...generate, "--schemas", schemas, "--out", cold, "--no-cache", "--quiet"],
    },
    {
      id: "generate-first-run",
      label: "generate, cold, first run after a build",
      argv: [...generate, "--schemas", schemas, "--out", cold, "--no-cache", "--quiet"],
      // Without the V8 code cache that the bundle keeps beside itself (see scripts/code-cache.ts).
      prepare: () => rmSync(codeCacheDir(), { recursive: true, force: true }),
    },
    {
      id: "json-schema-to-typescript",
      label: "json-schema-to-typescript (peer)",
      argv: [process.execPath, peers.jstt, schemas, join(work, "jstt.d.ts")],
    },
    {
      id: "openapi-typescript",
      label: "openapi-typescript + prettier (peer)",
      argv: [process.execPath, peers.openapiTs, schemas, join(work, "openapi-typescript.d.ts")],
    },
    {
      id: "generate-check-noop",
      label: "generate --check, nothing changed (warm)",
      argv: [
        ...generate,
        "--schemas",
        schemas,
        "--out",
        cold,
        "--check",
        "--quiet",
        "--cache-dir",
        cache,
      ],
    },
    {
      id: "generate-one-changed",
      label: "generate, one schema changed (warm)",
      argv: oneChanged,
      // A new description each round: a real change that no earlier run has cached.
      prepare: (round) =>
        writeFileSync(
          changed,
          JSON.stringify(
            { ...original, description: `Changed by the bench, round ${round}, ${Date.now()}.` },
            null,
            2,
          ) + "\n",
        ),
    },
  ];
  progress("bench: warming up (one run of each generation case, untimed)");
  runOnce(
    [...generate, "--schemas", schemas, "--out", cold, "--quiet", "--cache-dir", cache],
    scratch,
  );
  runOnce(oneChanged, scratch);
  const samples = interleave(cases, runs, scratch, "generation");

  // The warm one-changed output must be what a cold run on the same files gives.
  runOnce(
    [
      ...generate,
      "--schemas",
      copy,
      "--out",
      join(work, "generated-one-cold"),
      "--quiet",
      "--no-cache",
    ],
    scratch,
  );
  const same = readdirSync(join(work, "generated-one")).every(
    (f) =>
      readFileSync(join(work, "generated-one", f), "utf8") ===
      readFileSync(join(work, "generated-one-cold", f), "utf8"),
  );
  if (!same)
    throw new Error(
      "bench: the warm one-changed output differs from a cold run on the same schemas: the cache is wrong",
    );
  return cases.map((c) => ({
    id: c.id,
    label: c.label,
    group: "generation",
    samples: samples.get(c.id)!,
  }));
}

function benchConsumers(
  generate: string[],
  schemas: string,
  work: string,
  scratch: string,
  runs: number,
): CaseResult[] {
  const generated = join(work, "generated-consumer");
  runOnce(
    [...generate, "--schemas", schemas, "--out", generated, "--quiet", "--no-cache"],
    scratch,
  );
  const entry = readFileSync(join(generated, "index.d.ts"), "utf8");
  const typeNames = [...entry.matchAll(/^export type (\w+) =/gm)].map((m) => m[1]!);
  if (!typeNames.includes(ONE_TYPE))
    throw new Error(`bench: the generated package has no ${ONE_TYPE}`);
  const consumers = setUpConsumers(join(work, "consumers"), ROOT, generated, typeNames, ONE_TYPE);
  const tsc = join(ROOT, "node_modules", "typescript", "lib", "tsc.js");
  const cases: Case[] = consumers.map((c: Consumer) => ({
    id: consumerId(c),
    label: `tsc --noEmit, ${c.label}`,
    argv: [process.execPath, tsc, "-p", c.dir],
  }));
  for (const c of cases) runOnce(c.argv, scratch); // each must compile cleanly
  const samples = interleave(cases, runs, scratch, "consumer");
  return cases.map((c) => ({
    id: c.id,
    label: c.label,
    group: "consumer",
    samples: samples.get(c.id)!,
  }));
}

function consumerId(c: Pick<Consumer, "imports" | "skipLibCheck">): string {
  return `tsc-imports-${c.imports}-skiplibcheck-${c.skipLibCheck ? "on" : "off"}`;
}

function interleave(
  cases: Case[],
  runs: number,
  scratch: string,
  group: string,
): Map<string, Sample[]> {
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.id, []]));
  for (let round = 0; round < runs; round++) {
    progress(`bench: ${group}, round ${round + 1} of ${runs}`);
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + round) % cases.length]!;
      c.prepare?.(round);
      samples
        .get(c.id)!
        .push(measure(c.argv, { cwd: ROOT, scratch, expectStatus: c.expectStatus }));
    }
  }
  return samples;
}

function runOnce(argv: string[], scratch: string): void {
  measure(argv, { cwd: ROOT, scratch });
}

/** The V8 code cache of the current build (scripts/build.ts, scripts/code-cache.ts). */
function codeCacheDir(): string {
  const manifest = JSON.parse(
    readFileSync(join(ROOT, ".cache", "build", "current.json"), "utf8"),
  ) as { dir: string };
  return join(ROOT, ".cache", "build", manifest.dir, "v8");
}

interface Peers {
  jstt: string;
  openapiTs: string;
}

/** The peers' harnesses compiled to plain JavaScript; their packages load from node_modules as usual. */
async function buildPeers(): Promise<Peers> {
  const outdir = join(ROOT, ".cache", "bench");
  await build({
    absWorkingDir: ROOT,
    entryPoints: [
      "scripts/bench/json-schema-to-typescript.ts",
      "scripts/bench/openapi-typescript.ts",
    ],
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    outdir,
    outExtension: { ".js": ".mjs" },
    logLevel: "warning",
  });
  return {
    jstt: join(outdir, "json-schema-to-typescript.mjs"),
    openapiTs: join(outdir, "openapi-typescript.mjs"),
  };
}

/** What `npm run <name>` starts, without npm: the script's words, with node and tsx resolved. */
function npmScript(name: string): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  const script = manifest.scripts?.[name];
  if (script === undefined)
    throw new UsageError(`package.json has no "${name}" script (pass --command)`);
  return commandLine(script);
}

function commandLine(text: string): string[] {
  if (/[|&;<>()$`"'\\*?]/.test(text))
    throw new UsageError(`cannot run "${text}" without a shell; pass a plain --command`);
  const words = text.trim().split(/\s+/);
  const [program, ...rest] = words;
  if (program === "node") return [process.execPath, ...rest];
  const local = join(ROOT, "node_modules", ".bin", program!);
  if (existsSync(local)) return [local, ...rest];
  const check = spawnSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8" });
  if (check.status !== 0) throw new UsageError(`cannot find "${program}" to run "${text}"`);
  return [check.stdout.trim(), ...rest];
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

runCli("bench", main);
