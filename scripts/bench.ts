/**
 * `npm run bench`: how fast generate is against its peers, and what the generated package costs its
 * consumers, measured in one run: every command is a child process, the cases are interleaved (each round
 * runs each case once, in a rotated order), and the report gives medians and ratios to the peer measured in
 * the same run. Absolute times depend on the machine and its load; the ratios are what to compare. Two
 * inputs: the JSON Schema set (components only), against json-schema-to-typescript; and the whole OpenAPI
 * document with its operations, split by sync, against the openapi-typescript CLI plus prettier.
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
  statSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { build } from "esbuild";
import {
  exportedSchemaTypes,
  generatedFolderName,
  installDeclarationFile,
  installPackage,
  pickFromTags,
  setUpConsumers,
  spread,
  tagSlug,
  tagSlugs,
  writeProject,
  type Consumer,
  type ConsumerProject,
} from "./bench/consumer.js";
import { benchDiff } from "./bench/diff.js";
import { canMeasureMemory, measure, measurePipeline, type Sample } from "./bench/measure.js";
import {
  formatReport,
  OPERATIONS_PREFIX,
  type BenchResults,
  type CaseResult,
  type EditorSample,
  LAYOUT_PREFIX,
  type LayoutResult,
  type OperationsSet,
  type PackedSize,
  type SkippedCase,
} from "./bench/report.js";
import { CARET, timeToFirstCompletion, withCaret } from "./bench/tsserver.js";
import { buildCommands, ROOT } from "./build.js";
import { parseCommandLine, progress, runCli, UsageError } from "./cli.js";
import { LAYOUTS } from "./pipeline/entries.js";
import { PRETTIER_OPTIONS } from "./pipeline/format.js";

const HELP = `Usage: npm run bench -- [options]

Measures, interleaved and repeated, in one run:
  generation   generate cold (--no-cache) on the whole upstream set, against json-schema-to-typescript and
               plain openapi-typescript + prettier on the same set; generate --check with nothing changed;
               generate after one schema changed (both with a warm cache); peak memory of each
  consumer     tsc --noEmit on consumers of the generated full-catalog package importing one type and fifty
               from the root, with skipLibCheck on and off, each paired with the consumer with no import
               in the same round (the median of the per-round differences)
  operations   the same for the whole OpenAPI document with its operations (split once by npm run sync
               into a temp folder, untimed): generate cold, --check with nothing changed, and one schema
               that operations reach changed, against the openapi-typescript CLI on the document followed
               by prettier with generate's options (timed together); peak memory; then the package it makes:
               tsc --noEmit on consumers importing one type from the root and from a tag entry
               (klaviyo-schema-types/catalogs), skipLibCheck on and off, fifty from the root and fifty from
               five tag entries (on), and for comparison one type from the peer's own output of the
               document (components["schemas"][...]), paired with the consumer with no import; tsserver's
               time from open to the first completion in a file importing one type from the root and from
               the tag entry (a fresh server per sample), paired with a file importing nothing; the tarball
               and unpacked size (npm pack --dry-run). The tag-entry cases are skipped, with a note, when
               the output has no tags/ folder (one file)
  diff         npm run diff on that document against itself with one schema changed, against one cold
               generate of it (scripts/bench/diff.ts)
  layouts      the package generate makes from that document in each --layout (one-file, by-declaration,
               by-closure): its files and size, tsc --noEmit on a consumer importing one type from the root
               and from the Catalogs entry (skipLibCheck on and off), and tsserver's time to the first
               completion there, each paired with the consumer with no import of its round

Options:
  --runs N         repetitions of each case (default: 5)
  --schemas DIR    the schema set (default: $KLAVIYO_UPSTREAM_SET or ../shared/upstream/klaviyo-json-schema-2026-04-15)
  --document FILE  the OpenAPI document for operations (default: $KLAVIYO_UPSTREAM_DOCUMENT or
                   ../shared/upstream/klaviyo-openapi-2026-07-15.json)
  --json FILE      where the results go as JSON (default: bench/results.json)
  --only GROUPS    generation, consumer, operations or diff, or a comma-separated list of them (default: all);
                   e.g. --only operations runs the operations part alone
  --command CMD    how to start generate (default: the "generate" script of package.json, minus npm itself);
                   extra options go here too, e.g. a layout of the output to measure
  -h, --help       show this help`;

/** The schema whose change the "one schema changed" case makes: the project's seed schema. */
const CHANGED_FILE = "klaviyo-postcatalogitemcreatejobresponse-schema.json";
const ONE_TYPE = "PostCatalogItemCreateJobResponse";
/** A key of ONE_TYPE that an editor's completion in `const x: ONE_TYPE = { ` must offer. */
const ONE_TYPE_MEMBER = "data";

const GROUPS = ["generation", "consumer", "operations", "diff", "layouts"] as const;
type Group = (typeof GROUPS)[number];

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
      document: {
        type: "string",
        default:
          process.env["KLAVIYO_UPSTREAM_DOCUMENT"] ??
          join(ROOT, "..", "shared", "upstream", "klaviyo-openapi-2026-07-15.json"),
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
  const only = parseGroups(values.only);
  const schemas = resolve(values.schemas);
  if ((only.has("generation") || only.has("consumer")) && !existsSync(schemas))
    throw new UsageError(
      `no schema set at ${schemas} (set KLAVIYO_UPSTREAM_SET or pass --schemas)`,
    );
  const document = resolve(values.document);
  if ((only.has("operations") || only.has("diff") || only.has("layouts")) && !existsSync(document))
    throw new UsageError(
      `no OpenAPI document at ${document} (set KLAVIYO_UPSTREAM_DOCUMENT or pass --document)`,
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
      schemaCount: existsSync(schemas)
        ? readdirSync(schemas).filter((f) => f.endsWith(".json")).length
        : 0,
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
    if (only.has("generation"))
      results.cases.push(...benchGeneration(generate, peers, schemas, work, scratch, runs));
    if (only.has("consumer"))
      results.cases.push(...benchConsumers(generate, schemas, work, scratch, runs));
    if (only.has("operations")) {
      const operations = await benchOperations(generate, document, work, scratch, runs);
      results.operations = operations.set;
      results.cases.push(...operations.cases);
      if (operations.skipped.length > 0) results.skipped = operations.skipped;
    }
    if (only.has("layouts")) {
      const layouts = await benchLayouts(generate, document, work, scratch, runs);
      results.layouts = layouts.layouts;
      results.cases.push(...layouts.cases);
    }
    if (only.has("diff")) {
      const diff = benchDiff({
        generate,
        diff: npmScript("diff"),
        sync: npmScript("sync"),
        document,
        root: ROOT,
        work,
        scratch,
        runs,
      });
      results.diff = diff.set;
      results.cases.push(...diff.cases);
    }
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

function parseGroups(text: string | undefined): Set<Group> {
  if (text === undefined) return new Set(GROUPS);
  const words = text.split(",").map((w) => w.trim());
  const groups = new Set<Group>();
  for (const word of words) {
    const group = GROUPS.find((g) => g === word);
    if (group === undefined)
      throw new UsageError(
        `--only takes ${GROUPS.join(", ")} or a comma-separated list of them, not "${text}"`,
      );
    groups.add(group);
  }
  return groups;
}

interface Case {
  id: string;
  label: string;
  argv: string[];
  /** Commands run after argv, one after the other, timed with it as one pipeline. */
  then?: string[][];
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
  const own = generateCases("", generate, {
    schemas,
    copy,
    cold,
    one: join(work, "generated-one"),
    cache,
  });
  const cases: Case[] = [
    own.cold,
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
    own.check,
    own.oneChanged,
  ];
  progress("bench: warming up (one run of each generation case, untimed)");
  own.warmUp(scratch);
  const samples = interleave(cases, runs, scratch, "generation");

  checkWarmIsCold(generate, copy, join(work, "generated-one"), scratch);
  return cases.map((c) => ({
    id: c.id,
    label: c.label,
    group: "generation",
    set: "json-schema",
    samples: samples.get(c.id)!,
  }));
}

/**
 * A prepare step for the "one schema changed" case: a new description of `file` each round, a real change
 * that no earlier run has cached.
 */
/**
 * generate's own cases on one set: cold, a no-op `--check` (warm cache), and one schema changed (warm cache, on a
 * copy of the set, CHANGED_FILE edited each round), with the untimed runs that warm the cache for the last two.
 */
function generateCases(
  prefix: string,
  generate: string[],
  dirs: { schemas: string; copy: string; cold: string; one: string; cache: string },
) {
  const { schemas, copy, cold, one, cache } = dirs;
  const oneChanged = [
    ...generate,
    "--schemas",
    copy,
    "--out",
    one,
    "--quiet",
    "--cache-dir",
    cache,
  ];
  return {
    cold: {
      id: `${prefix}generate-cold`,
      label: "generate, cold (--no-cache)",
      argv: [...generate, "--schemas", schemas, "--out", cold, "--no-cache", "--quiet"],
    } satisfies Case,
    check: {
      id: `${prefix}generate-check-noop`,
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
    } satisfies Case,
    oneChanged: {
      id: `${prefix}generate-one-changed`,
      label: "generate, one schema changed (warm)",
      argv: oneChanged,
      prepare: changeEachRound(join(copy, CHANGED_FILE)),
    } satisfies Case,
    warmUp(scratch: string) {
      runOnce(
        [...generate, "--schemas", schemas, "--out", cold, "--quiet", "--cache-dir", cache],
        scratch,
      );
      runOnce(oneChanged, scratch);
    },
  };
}

function changeEachRound(file: string): (round: number) => void {
  if (!existsSync(file)) throw new Error(`bench: the set has no ${basename(file)} to change`);
  const original = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  return (round) =>
    writeFileSync(
      file,
      JSON.stringify(
        { ...original, description: `Changed by the bench, round ${round}, ${Date.now()}.` },
        null,
        2,
      ) + "\n",
    );
}

/** The warm one-changed output (in `warmOut`) must be what a cold run on the same files gives. */
function checkWarmIsCold(
  generate: string[],
  schemas: string,
  warmOut: string,
  scratch: string,
): void {
  const coldOut = `${warmOut}-cold`;
  runOnce([...generate, "--schemas", schemas, "--out", coldOut, "--quiet", "--no-cache"], scratch);
  // Every file, in the subfolders of entry points too, and the same list of files on both sides.
  const list = (dir: string) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
      .sort();
  const files = list(warmOut);
  const same =
    JSON.stringify(files) === JSON.stringify(list(coldOut)) &&
    files.every(
      (f) => readFileSync(join(warmOut, f), "utf8") === readFileSync(join(coldOut, f), "utf8"),
    );
  if (!same)
    throw new Error(
      "bench: the warm one-changed output differs from a cold run on the same schemas: the cache is wrong",
    );
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
  const root = join(work, "consumers");
  const name = installPackage(root, ROOT, generated);
  const rootTypes = [...exportedSchemaTypes([join(generated, "index.d.ts")]).values()][0]!;
  if (!rootTypes.includes(ONE_TYPE))
    throw new Error(`bench: the generated package has no ${ONE_TYPE}`);
  const projects = [true, false].flatMap((skipLibCheck) => [
    baselineProject(skipLibCheck),
    rootProject(name, 1, [ONE_TYPE], skipLibCheck),
    rootProject(name, 50, spread(rootTypes, 50), skipLibCheck),
  ]);
  const consumers = setUpConsumers(root, projects);
  return runTscConsumers(consumers, "", "json-schema", scratch, runs, "consumer");
}

/** The consumer with no import, for skipLibCheck on or off: what every other consumer is paired with. */
function baselineProject(skipLibCheck: boolean): ConsumerProject {
  return {
    id: tscId("imports-0", skipLibCheck),
    label: "no import (the baseline)",
    imports: [],
    skipLibCheck,
  };
}

/** `names` from the package's root entry; the ids are the ones earlier results used. */
function rootProject(
  name: string,
  count: number,
  names: readonly string[],
  skipLibCheck: boolean,
): ConsumerProject {
  return {
    id: tscId(`imports-${count}`, skipLibCheck),
    label: `${count === 1 ? "one type" : count === 50 ? "fifty types" : `${count} types`} from the root (${name})`,
    imports: [{ specifier: name, names }],
    skipLibCheck,
  };
}

/** The consumer that imports ONE_TYPE from a tag entry. */
function tagEntryProject(tagSpecifier: string, skipLibCheck: boolean): ConsumerProject {
  return {
    id: tscId("tag-imports-1", skipLibCheck),
    label: `one type from a tag entry (${tagSpecifier})`,
    imports: [{ specifier: tagSpecifier, names: [ONE_TYPE] }],
    skipLibCheck,
  };
}
function tscId(what: string, skipLibCheck: boolean): string {
  return `tsc-${what}-skiplibcheck-${skipLibCheck ? "on" : "off"}`;
}

/**
 * `tsc --noEmit -p` on each consumer, each run once untimed first (it must compile cleanly), then
 * interleaved; each case is paired with the no-import consumer of the same skipLibCheck.
 */
function runTscConsumers(
  consumers: readonly Consumer[],
  prefix: string,
  set: CaseResult["set"],
  scratch: string,
  runs: number,
  group: string,
): CaseResult[] {
  const tsc = join(ROOT, "node_modules", "typescript", "lib", "tsc.js");
  const cases: Case[] = consumers.map((c) => ({
    id: prefix + c.id,
    label: `tsc --noEmit, ${c.label}, skipLibCheck ${c.skipLibCheck ? "on" : "off"}`,
    argv: [process.execPath, tsc, "-p", c.dir],
  }));
  for (const c of cases) {
    // Each must compile cleanly; tsc prints its errors on stdout.
    const run = spawnSync(c.argv[0]!, c.argv.slice(1), { cwd: ROOT, encoding: "utf8" });
    if (run.status !== 0)
      throw new Error(
        `bench: the consumer ${c.id} does not compile (tsc exited ${run.status ?? run.signal}):\n${`${run.stdout}${run.stderr}`.trim()}`,
      );
  }
  const samples = interleave(cases, runs, scratch, group);
  return consumers.map((c, i): CaseResult => {
    const baseline = prefix + baselineProject(c.skipLibCheck).id;
    return {
      id: cases[i]!.id,
      label: cases[i]!.label,
      group: "consumer",
      set,
      samples: samples.get(cases[i]!.id)!,
      row: c.label,
      skipLibCheck: c.skipLibCheck,
      imports: c.imports,
      ...(cases[i]!.id === baseline ? {} : { baseline }),
    };
  });
}

/**
 * The operations part: the whole OpenAPI document split once (npm run sync --all, untimed) into a temp
 * folder, generate on it cold, --check and one changed schema against the openapi-typescript CLI on the
 * document plus prettier with generate's options, then the consumer cost of the package it makes.
 */
async function benchOperations(
  generate: string[],
  document: string,
  work: string,
  scratch: string,
  runs: number,
): Promise<{ set: OperationsSet; cases: CaseResult[]; skipped: SkippedCase[] }> {
  const split = join(work, "openapi-split");
  const lock = `${split}.lock.json`;
  progress(`bench: operations, splitting ${document} into ${split} (npm run sync, untimed)`);
  runOnce(
    [...npmScript("sync"), "--from", document, "--all", "--out", split, "--lock", lock, "--quiet"],
    scratch,
  );
  const files = readLayoutFolder(split);
  const changedId = files.get(CHANGED_FILE)?.id;
  if (changedId === undefined)
    throw new Error(`bench: the split document has no ${CHANGED_FILE} to change`);
  if (!reachedByOperations(files).has(changedId))
    throw new Error(`bench: no operation reaches ${CHANGED_FILE}; change another schema`);
  const kinds = { schema: 0, operation: 0, other: 0 };
  for (const f of files.values())
    kinds[
      f.id.startsWith("#/paths/")
        ? "operation"
        : f.id.startsWith("#/components/schemas/")
          ? "schema"
          : "other"
    ]++;

  const copy = join(work, "openapi-copy");
  cpSync(split, copy, { recursive: true });
  const cold = join(work, "openapi-generated-cold");
  const one = join(work, "openapi-generated-one");
  const cache = join(work, "openapi-cache");
  const peerDir = join(work, "openapi-typescript-cli");
  mkdirSync(peerDir);
  const peerOut = join(peerDir, "out.ts");
  // generate's own prettier options, in a file of their own, so no config of the machine's applies.
  const prettierConfig = join(peerDir, "prettier.json");
  writeFileSync(prettierConfig, JSON.stringify(PRETTIER_OPTIONS, null, 2) + "\n");
  const peer = [
    [
      process.execPath,
      packageBin("openapi-typescript"),
      document,
      "-o",
      peerOut,
      "--default-non-nullable=false",
    ],
    [
      process.execPath,
      packageBin("prettier"),
      "--config",
      prettierConfig,
      "--no-editorconfig",
      "--log-level",
      "warn",
      "--write",
      peerOut,
    ],
  ] as const;
  const own = generateCases(OPERATIONS_PREFIX, generate, {
    schemas: split,
    copy,
    cold,
    one,
    cache,
  });
  const cases: Case[] = [
    own.cold,
    {
      id: `${OPERATIONS_PREFIX}openapi-typescript-cli`,
      label: "openapi-typescript CLI + prettier (peer)",
      argv: [...peer[0]],
      then: [[...peer[1]]],
    },
    own.check,
    own.oneChanged,
  ];
  progress("bench: operations, warming up (one run of each generate case, untimed)");
  own.warmUp(scratch);
  const samples = interleave(cases, runs, scratch, "operations");
  checkWarmIsCold(generate, copy, one, scratch);

  // The consumer cost of the package generate makes from the document: tsc, tsserver, its packed size.
  const consumer = await benchOperationsConsumers(cold, work, scratch, runs, peerOut);

  const revision = (JSON.parse(readFileSync(lock, "utf8")) as { source: { revision: string } })
    .source.revision;
  return {
    set: {
      document: relative(ROOT, document) || ".",
      revision,
      files: files.size,
      schemaCount: kinds.schema,
      operationCount: kinds.operation,
      otherComponentCount: kinds.other,
      changedFile: CHANGED_FILE,
      outputBytes: statSync(join(cold, "index.d.ts")).size,
      generated: folderSize(cold),
      package: consumer.packed,
      peerOutputBytes: statSync(peerOut).size,
      peerCommand: [
        "openapi-typescript <document> -o <tmp>/out.ts --default-non-nullable=false",
        "prettier --config <generate's options> --write <tmp>/out.ts",
      ].join(" && "),
    },
    cases: [
      ...cases.map((c): CaseResult => ({
        id: c.id,
        label: c.label,
        group: "generation",
        set: "openapi",
        samples: samples.get(c.id)!,
      })),
      ...consumer.cases,
    ],
    skipped: consumer.skipped,
  };
}

/** The name the peer's output (openapi-typescript's single file of the document) is installed under. */
const PEER_PACKAGE = "openapi-typescript-output";

/**
 * The consumer of ONE_TYPE from the peer's output, as `components["schemas"][...]`: what the same import costs
 * from openapi-typescript's own file of the document, to read the root's cost against.
 */
function peerProject(skipLibCheck: boolean): ConsumerProject {
  return {
    id: tscId("peer-imports-1", skipLibCheck),
    label: "for comparison: one type from openapi-typescript's own output of the document (peer)",
    imports: [{ specifier: PEER_PACKAGE, names: [ONE_TYPE], fromComponents: true }],
    skipLibCheck,
  };
}

/** Klaviyo's tags whose entries the five-tag consumer imports from (ten schema types each), when present. */
const FIVE_TAGS = ["Catalogs", "Profiles", "Campaigns", "Events", "Lists"].map(tagSlug);
/** The tag entry of the one-type consumer: it exports ONE_TYPE. */
const ONE_TAG = tagSlug("Catalogs");

/**
 * The consumers of the package generated from the document, installed from `generated` (a copy laid out
 * like node_modules/klaviyo-schema-types): tsc --noEmit on one type from the root and from a tag entry
 * (skipLibCheck on and off), fifty from the root and fifty from five tag entries (on), each paired with the
 * no-import consumer in the same rounds; tsserver's time to a first completion with one type from the root
 * and from a tag entry, paired with a file that imports nothing; and the size of the packed package. The
 * cases on tag entries are skipped, with a progress line, when the output has no tags/ folder (one file).
 */
async function benchOperationsConsumers(
  generated: string,
  work: string,
  scratch: string,
  runs: number,
  peerOutput: string,
): Promise<{ cases: CaseResult[]; skipped: SkippedCase[]; packed: PackedSize }> {
  const root = join(work, "openapi-consumers");
  const name = installPackage(root, ROOT, generated);
  installDeclarationFile(root, PEER_PACKAGE, peerOutput);
  const slugs = tagSlugs(generated);
  const rootEntry = join(generated, "index.d.ts");
  const tagEntry = (slug: string) => join(generated, "tags", `${slug}.d.ts`);
  progress(
    `bench: operations consumer, reading the exported schema types of ${slugs.length === 0 ? "the root entry" : `the root and ${slugs.length} tag entries`}`,
  );
  const types = exportedSchemaTypes([rootEntry, ...slugs.map(tagEntry)]);
  const rootTypes = types.get(rootEntry)!;
  if (!rootTypes.includes(ONE_TYPE))
    throw new Error(`bench: the package generated from the document has no ${ONE_TYPE}`);

  const tagSpecifier = `${name}/${ONE_TAG}`;
  const projects: ConsumerProject[] = [
    ...[true, false].flatMap((skipLibCheck) => [
      baselineProject(skipLibCheck),
      rootProject(name, 1, [ONE_TYPE], skipLibCheck),
    ]),
    rootProject(name, 50, spread(rootTypes, 50), true),
    ...[true, false].map(peerProject),
  ];
  const tagProject = (skipLibCheck: boolean) => tagEntryProject(tagSpecifier, skipLibCheck);
  const fiveTagsProject: Omit<ConsumerProject, "imports"> = {
    id: tscId("tags-imports-50", true),
    label: "fifty types from five tag entries, ten each",
    skipLibCheck: true,
  };
  const skipped: SkippedCase[] = [];
  const editorTag = { id: `${OPERATIONS_PREFIX}tsserver-tag`, row: tagProject(true).label };
  if (slugs.length === 0) {
    const reason = `${basename(generated)}/ has no tags/ folder (generate wrote one file)`;
    progress(
      `bench: operations consumer, skipping the tag-entry cases (one type from ${tagSpecifier}, fifty from five tags, tsserver on a tag entry): ${reason}`,
    );
    for (const p of [tagProject(true), tagProject(false), fiveTagsProject])
      skipped.push({
        id: OPERATIONS_PREFIX + p.id,
        row: p.label,
        group: "consumer",
        set: "openapi",
        skipLibCheck: p.skipLibCheck,
        reason,
      });
    skipped.push({ ...editorTag, group: "tsserver", set: "openapi", reason });
  } else {
    const oneTagTypes = types.get(tagEntry(ONE_TAG));
    if (oneTagTypes === undefined)
      throw new Error(
        `bench: the output has tag entries but none for ${ONE_TAG} (${slugs.join(", ")})`,
      );
    if (!oneTagTypes.includes(ONE_TYPE))
      throw new Error(`bench: the ${ONE_TAG} entry does not export ${ONE_TYPE}`);
    projects.push(...[true, false].map(tagProject));
    const picked = pickFromTags(
      new Map(slugs.map((slug) => [slug, types.get(tagEntry(slug))!])),
      FIVE_TAGS,
      5,
      10,
    );
    projects.push({
      ...fiveTagsProject,
      imports: picked.map((p) => ({ specifier: `${name}/${p.tag}`, names: p.names })),
    });
  }
  const consumers = setUpConsumers(root, projects);
  const cases = runTscConsumers(
    consumers,
    OPERATIONS_PREFIX,
    "openapi",
    scratch,
    runs,
    "operations consumer",
  );

  // tsserver: a file with a completion after `const x: <type> = { `, one fresh server per sample.
  const editorCases = editorCasesFor(
    OPERATIONS_PREFIX,
    name,
    slugs.length > 0 ? tagSpecifier : undefined,
  );
  cases.push(...(await benchEditor(editorCases, root, runs)));

  return { cases, skipped, packed: packedSize(generated, join(work, "openapi-pack")) };
}

/**
 * The tsserver cases for a package installed as `name`: a file with a local type (the baseline), one importing
 * ONE_TYPE from the root, and, given its specifier, one importing it from a tag entry.
 */
function editorCasesFor(prefix: string, name: string, tagSpecifier?: string): EditorCase[] {
  const cases: EditorCase[] = [
    {
      id: `${prefix}tsserver-baseline`,
      row: "no import (a local type; the baseline)",
      source: [
        "interface Local {",
        "  ready: boolean;",
        "  count: number;",
        "}",
        `export const x: Local = { ${CARET} };`,
        "",
      ].join("\n"),
      expectEntries: ["ready", "count"],
    },
    {
      id: `${prefix}tsserver-root`,
      row: `one type from the root (${name})`,
      source: completionSource(name),
      expectEntries: [ONE_TYPE_MEMBER],
    },
  ];
  if (tagSpecifier !== undefined)
    cases.push({
      id: `${prefix}tsserver-tag`,
      row: `one type from a tag entry (${tagSpecifier})`,
      source: completionSource(tagSpecifier),
      expectEntries: [ONE_TYPE_MEMBER],
    });
  return cases;
}

/** A consumer file that imports ONE_TYPE from `specifier` and asks for the members of a value of it. */
function completionSource(specifier: string): string {
  return [
    `import type { ${ONE_TYPE} } from ${JSON.stringify(specifier)};`,
    `export const x: ${ONE_TYPE} = { ${CARET} };`,
    "",
  ].join("\n");
}

interface EditorCase {
  id: string;
  row: string;
  source: string;
  /** Members the completion must list (see timeToFirstCompletion). */
  expectEntries: readonly string[];
}

/**
 * Each case's file in a project of its own under `root` (skipLibCheck on), then, interleaved like the tsc
 * cases, a fresh tsserver per sample, timed from `open` to the first completion; paired with the first case.
 */
/**
 * The layouts part: the document split once (untimed), generated in each layout (untimed), and for each the
 * consumer cost of one type from the root and from the Catalogs entry, in tsc and in tsserver, each layout's
 * cases paired with a consumer with no import measured in the same rounds.
 */
async function benchLayouts(
  generate: string[],
  document: string,
  work: string,
  scratch: string,
  runs: number,
): Promise<{ layouts: LayoutResult[]; cases: CaseResult[] }> {
  const split = join(work, "layouts-split");
  progress(`bench: layouts, splitting ${document} into ${split} (npm run sync, untimed)`);
  runOnce(
    [
      ...npmScript("sync"),
      "--from",
      document,
      "--all",
      "--out",
      split,
      "--lock",
      `${split}.lock.json`,
      "--quiet",
    ],
    scratch,
  );
  const layouts: LayoutResult[] = [];
  const cases: CaseResult[] = [];
  for (const layout of LAYOUTS) {
    const generated = join(work, `layout-${layout}`);
    progress(`bench: layouts, generating ${layout} (untimed)`);
    runOnce(
      [
        ...generate,
        "--schemas",
        split,
        "--out",
        generated,
        "--no-cache",
        "--quiet",
        "--layout",
        layout,
      ],
      scratch,
    );
    const prefix = `${LAYOUT_PREFIX}${layout}-`;
    const root = join(work, `layout-${layout}-consumers`);
    const name = installPackage(root, ROOT, generated);
    const hasTags = tagSlugs(generated).includes(ONE_TAG);
    const tagSpecifier = `${name}/${ONE_TAG}`;
    const projects: ConsumerProject[] = [true, false].flatMap((skipLibCheck) => [
      baselineProject(skipLibCheck),
      rootProject(name, 1, [ONE_TYPE], skipLibCheck),
      ...(hasTags ? [tagEntryProject(tagSpecifier, skipLibCheck)] : []),
    ]);
    cases.push(
      ...runTscConsumers(
        setUpConsumers(root, projects),
        prefix,
        "openapi",
        scratch,
        runs,
        `layout ${layout}, tsc`,
      ).map((c) => ({ ...c, group: "layouts" as const })),
    );
    const editorCases = editorCasesFor(prefix, name, hasTags ? tagSpecifier : undefined);
    cases.push(
      ...(await benchEditor(editorCases, root, runs)).map((c) => ({
        ...c,
        group: "layouts" as const,
      })),
    );
    const size = folderSize(generated);
    layouts.push({ layout, prefix, files: size.files, bytes: size.bytes, tagEntries: hasTags });
  }
  return { layouts, cases };
}

async function benchEditor(
  editorCases: readonly EditorCase[],
  root: string,
  runs: number,
): Promise<CaseResult[]> {
  const tsserver = join(ROOT, "node_modules", "typescript", "lib", "tsserver.js");
  const requests = editorCases.map((c) => {
    const probe = withCaret(c.source);
    const file = writeProject(join(root, c.id), true, probe.text);
    return { ...probe, file, tsserver, expectEntries: c.expectEntries };
  });
  const samples = editorCases.map((): EditorSample[] => []);
  for (let round = 0; round < runs; round++) {
    progress(`bench: operations editor (tsserver), round ${round + 1} of ${runs}`);
    for (let i = 0; i < editorCases.length; i++) {
      const k = (i + round) % editorCases.length;
      const sample = await timeToFirstCompletion(requests[k]!);
      samples[k]!.push({ ...sample, maxRssMb: null });
    }
  }
  return editorCases.map((c, i): CaseResult => ({
    id: c.id,
    label: `tsserver, open to first completion, ${c.row}`,
    group: "tsserver",
    set: "openapi",
    samples: samples[i]!,
    row: c.row,
    ...(i === 0 ? {} : { baseline: editorCases[0]!.id }),
  }));
}

/**
 * The package as npm would pack it with this output: the project's package.json and the files it lists,
 * with `generated` in place of the project's generated folder, copied to `dir`, then
 * `npm pack --dry-run --json` there (no tarball written, no scripts run).
 */
function packedSize(generated: string, dir: string): PackedSize {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const folder = generatedFolderName(manifest);
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, "package.json"), join(dir, "package.json"));
  for (const entry of (manifest["files"] as string[] | undefined) ?? []) {
    const name = entry.replace(/\/$/, "");
    if (name === folder) cpSync(generated, join(dir, folder), { recursive: true });
    else if (existsSync(join(ROOT, name)))
      cpSync(join(ROOT, name), join(dir, name), { recursive: true });
  }
  const run = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, npm_config_loglevel: "error" },
  });
  if (run.status !== 0)
    throw new Error(`bench: npm pack --dry-run failed: ${run.stderr.trim().split("\n").at(-1)}`);
  const [info] = JSON.parse(run.stdout) as {
    size: number;
    unpackedSize: number;
    entryCount: number;
  }[];
  return {
    tarballBytes: info!.size,
    unpackedBytes: info!.unpackedSize,
    files: info!.entryCount,
    command:
      "npm pack --dry-run --json on the project's package.json and files, this output as generated/",
  };
}

/** Bytes and files of a folder, subfolders included. */
function folderSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) {
      bytes += statSync(join(entry.parentPath, entry.name)).size;
      files++;
    }
  return { bytes, files };
}

interface LayoutFile {
  id: string;
  refs: Set<string>;
}

/** The split folder's files by name: each one's `$id` and the `$ref`s it holds. */
function readLayoutFolder(dir: string): Map<string, LayoutFile> {
  const files = new Map<string, LayoutFile>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const body = JSON.parse(readFileSync(join(dir, name), "utf8")) as { $id: string };
    const refs = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value !== null && typeof value === "object")
        for (const [key, v] of Object.entries(value))
          if (key === "$ref" && typeof v === "string") refs.add(v);
          else walk(v);
    };
    walk(body);
    files.set(name, { id: body.$id, refs });
  }
  return files;
}

/** Every `$id` that some operation reaches through `$ref`s, transitively. */
function reachedByOperations(files: Map<string, LayoutFile>): Set<string> {
  const byId = new Map([...files.values()].map((f) => [f.id, f]));
  const seen = new Set<string>();
  const queue = [...files.values()].filter((f) => f.id.startsWith("#/paths/"));
  while (queue.length > 0) {
    for (const ref of queue.pop()!.refs) {
      const next = byId.get(ref);
      if (next !== undefined && !seen.has(ref)) {
        seen.add(ref);
        queue.push(next);
      }
    }
  }
  return seen;
}

/** The file a package's command line runs (its package.json `bin`), to start with this node. */
function packageBin(name: string): string {
  const dir = join(ROOT, "node_modules", name);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.[name];
  if (bin === undefined) throw new Error(`bench: ${name} has no "${name}" command`);
  return join(dir, bin);
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
        .push(
          c.then === undefined
            ? measure(c.argv, { cwd: ROOT, scratch, expectStatus: c.expectStatus })
            : measurePipeline([c.argv, ...c.then], { cwd: ROOT, scratch }),
        );
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
