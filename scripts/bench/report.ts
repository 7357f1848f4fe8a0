/**
 * The bench's results as data, and as the table it prints: medians, ratios to the peer, consumer costs paired
 * with their baseline round by round, targets.
 */
import type { ConsumerImport } from "./consumer.js";
import { median, type Sample } from "./measure.js";

export interface CaseResult {
  id: string;
  label: string;
  /** generate and its peers; tsc on consumers of the package; tsserver on a consumer's file; the drift report. */
  group: "generation" | "consumer" | "tsserver" | "diff" | "layouts";
  /** The input: the JSON Schema set (components only), or the OpenAPI document with its operations. */
  set: "json-schema" | "openapi";
  samples: Sample[];
  /** Consumer and tsserver cases: their row in the table (what they import, from which entry). */
  row?: string;
  skipLibCheck?: boolean;
  /** tsc cases: what the consumer imports. */
  imports?: readonly ConsumerImport[];
  /**
   * The case this one is paired with: the same consumer without the import, measured in the same rounds.
   * The cost reported is the median of the per-round differences (sample i minus the baseline's sample i).
   */
  baseline?: string;
}

/** A tsserver sample: `seconds` from `open` to the first completion's response. */
export interface EditorSample extends Sample {
  /** From `open` to its own response: the project loaded, before the completion's checking. */
  openSeconds: number;
  /** How many entries the completion listed. */
  entries: number;
}

/** A case the bench could not run on this output (e.g. the tag entries of a one-file output), and why. */
export interface SkippedCase {
  id: string;
  row: string;
  group: CaseResult["group"];
  set: CaseResult["set"];
  skipLibCheck?: boolean;
  reason: string;
}

/** The package npm would pack with the generated output. */
export interface PackedSize {
  /** Size of the .tgz. */
  tarballBytes: number;
  /** Sum of the sizes of the files in it. */
  unpackedBytes: number;
  files: number;
  command: string;
}

/** Case ids of the operations part: the JSON Schema set's ids with this prefix. */
export const OPERATIONS_PREFIX = "operations-";
/** Case ids of the layouts part start with this, then the layout's name and "-". */
export const LAYOUT_PREFIX = "layout-";

/** One layout of the package made from the OpenAPI document (generate --layout). */
export interface LayoutResult {
  layout: string;
  prefix: string;
  files: number;
  bytes: number;
  /** Whether the output has the Catalogs entry (not in one-file). */
  tagEntries: boolean;
}

/** The OpenAPI document of the operations part, and what sync split it into. */
export interface OperationsSet {
  document: string;
  /** sync's revision of the document: its sha256. */
  revision: string;
  files: number;
  schemaCount: number;
  operationCount: number;
  /** Responses, parameters and request bodies vendored as files of their own. */
  otherComponentCount: number;
  /** The schema the one-changed case changes; an operation reaches it. */
  changedFile: string;
  /** Size of the index.d.ts generate makes from the document, and of the peer's formatted output. */
  outputBytes: number;
  /** Every file generate writes from the document (one index.d.ts, or the entries and their modules). */
  generated?: { bytes: number; files: number };
  /** The package packed with that output. */
  package?: PackedSize;
  peerOutputBytes: number;
  peerCommand: string;
}

export interface BenchResults {
  date: string;
  machine: {
    cpu: string;
    cores: number;
    memoryGb: number;
    node: string;
    platform: string;
    loadAverageBefore: number;
    loadAverageAfter: number;
  };
  runs: number;
  schemas: string;
  schemaCount: number;
  generateCommand: string;
  memoryMeasured: boolean;
  cases: CaseResult[];
  /** Cases that did not run on this output. */
  skipped?: SkippedCase[];
  /** Present when the operations part ran. */
  operations?: OperationsSet;
  /** Present when the layouts part ran: each layout's output, its cases' ids starting with `prefix`. */
  layouts?: LayoutResult[];
  /** Present when the diff part ran: the document, and the schema file its new side changes. */
  diff?: { document: string; changedFile: string };
  summary?: Summary;
}

export interface Target {
  name: string;
  /** Which input the target is about (see CaseResult). */
  set: CaseResult["set"];
  value: number;
  limit: number;
  unit: "ratio" | "s";
  met: boolean;
}

/** A target whose case did not run (see SkippedCase). */
export interface UnmeasuredTarget {
  name: string;
  set: CaseResult["set"];
  limit: number;
  unit: Target["unit"];
  reason: string;
}

export interface Summary {
  medians: Record<string, { seconds: number; maxRssMb: number | null }>;
  /** Per case with a baseline: the median of the per-round differences from it, in seconds. */
  paired: Record<string, { baseline: string; seconds: number }>;
  targets: Target[];
  notMeasured: UnmeasuredTarget[];
}

/** Issue 12's limits on a consumer's extra tsc time, by case id (without the operations prefix), in seconds. */
const ISSUE_12_TARGETS: readonly (readonly [string, string, number])[] = [
  ["one type from a tag entry, skipLibCheck on", "tsc-tag-imports-1-skiplibcheck-on", 0.05],
  ["one type from a tag entry, skipLibCheck off", "tsc-tag-imports-1-skiplibcheck-off", 0.1],
  ["one type from the root, skipLibCheck on", "tsc-imports-1-skiplibcheck-on", 0.25],
  ["one type from the root, skipLibCheck off", "tsc-imports-1-skiplibcheck-off", 0.5],
  [
    "fifty types from five tag entries, skipLibCheck on",
    "tsc-tags-imports-50-skiplibcheck-on",
    0.15,
  ],
];

const PEER = "json-schema-to-typescript";
const OPERATIONS_PEER = `${OPERATIONS_PREFIX}openapi-typescript-cli`;
const OPERATIONS_PEER_LABEL = "openapi-typescript CLI + prettier";
/** The diff part (bench/diff.ts): the one-changed diff, and the cold generate it is measured against. */
const DIFF_CASE = "diff-one-changed";
const DIFF_PEER = "diff-generate-cold";
const DIFF_PEER_LABEL = "cold generate";

export function formatReport(results: BenchResults): { table: string; summary: Summary } {
  const medians: Summary["medians"] = {};
  for (const c of results.cases) {
    const rss = c.samples.map((s) => s.maxRssMb).filter((m): m is number => m !== null);
    medians[c.id] = {
      seconds: median(c.samples.map((s) => s.seconds)),
      maxRssMb: rss.length > 0 ? median(rss) : null,
    };
  }
  const paired: Summary["paired"] = {};
  const byId = new Map(results.cases.map((c) => [c.id, c]));
  for (const c of results.cases) {
    const base = c.baseline === undefined ? undefined : byId.get(c.baseline);
    if (base === undefined) continue;
    const rounds = Math.min(c.samples.length, base.samples.length);
    paired[c.id] = {
      baseline: base.id,
      seconds: median(
        Array.from({ length: rounds }, (_, i) => c.samples[i]!.seconds - base.samples[i]!.seconds),
      ),
    };
  }
  const targets: Target[] = [];
  const notMeasured: UnmeasuredTarget[] = [];
  const skippedById = new Map((results.skipped ?? []).map((k) => [k.id, k]));
  /** A consumer's cost (paired with its baseline) against `limit` seconds; noted when the case was skipped. */
  const addCost = (name: string, set: Target["set"], id: string, limit: number) => {
    const cost = paired[id];
    if (cost !== undefined)
      targets.push({
        name,
        set,
        value: cost.seconds,
        limit,
        unit: "s",
        met: cost.seconds <= limit,
      });
    else if (skippedById.has(id))
      notMeasured.push({ name, set, limit, unit: "s", reason: skippedById.get(id)!.reason });
  };
  const ratio = (id: string, to: string) =>
    medians[id] && medians[to] ? medians[id].seconds / medians[to].seconds : undefined;
  const addTargets = (
    set: Target["set"],
    prefix: string,
    peer: string,
    peerLabel: string,
    limits: { cold: number; check: number; oneChanged: number },
  ) => {
    const addRatio = (name: string, id: string, limit: number) => {
      const value = ratio(prefix + id, peer);
      if (value !== undefined)
        targets.push({ name, set, value, limit, unit: "ratio", met: value <= limit });
    };
    const label = prefix === "" ? "" : "operations: ";
    addRatio(`${label}cold full generation / ${peerLabel}`, "generate-cold", limits.cold);
    addRatio(`${label}no-op --check / ${peerLabel}`, "generate-check-noop", limits.check);
    addRatio(
      `${label}one schema changed / ${peerLabel}`,
      "generate-one-changed",
      limits.oneChanged,
    );
    const coldRss = medians[`${prefix}generate-cold`]?.maxRssMb;
    const peerRss = medians[peer]?.maxRssMb;
    if (coldRss != null && peerRss != null) {
      targets.push({
        name: `${label}peak memory, cold full generation / ${peerLabel}`,
        set,
        value: coldRss / peerRss,
        limit: 1,
        unit: "ratio",
        met: coldRss <= peerRss,
      });
    }
  };
  addTargets("json-schema", "", PEER, PEER, { cold: 0.8, check: 0.1, oneChanged: 0.2 });
  for (const skip of ["on", "off"])
    addCost(
      `consumer importing one type, skipLibCheck ${skip}: extra tsc time`,
      "json-schema",
      `tsc-imports-1-skiplibcheck-${skip}`,
      0.1,
    );
  addTargets("openapi", OPERATIONS_PREFIX, OPERATIONS_PEER, OPERATIONS_PEER_LABEL, {
    cold: 0.5,
    check: 0.05,
    oneChanged: 0.15,
  });
  // Issue 12 (cheap to consume): the extra tsc time of a consumer of the package with operations.
  for (const [name, id, limit] of ISSUE_12_TARGETS)
    addCost(`issue 12: ${name}: extra tsc time`, "openapi", OPERATIONS_PREFIX + id, limit);
  const diffRatio = ratio(DIFF_CASE, DIFF_PEER);
  if (diffRatio !== undefined)
    targets.push({
      name: `operations: diff of the document against itself, one schema changed / ${DIFF_PEER_LABEL} of it`,
      set: "openapi",
      value: diffRatio,
      limit: 2,
      unit: "ratio",
      met: diffRatio <= 2,
    });

  const m = results.machine;
  const lines: string[] = [];
  lines.push(
    `Bench, ${results.date.slice(0, 16).replace("T", " ")} UTC: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.platform}, Node ${m.node}`,
  );
  lines.push(
    `${results.runs} runs per case, interleaved; medians. Load average ${m.loadAverageBefore} before, ${m.loadAverageAfter} after: absolute times are noisy, compare the ratios.`,
  );
  const schemaSetRan = results.cases.some((c) => c.set === "json-schema");
  lines.push(
    schemaSetRan
      ? `Schema set: ${results.schemas} (${results.schemaCount} schemas). generate started as: ${results.generateCommand}`
      : `generate started as: ${results.generateCommand}`,
  );

  const generationTable = (cases: CaseResult[], title: string, peer: string, peerLabel: string) => {
    if (cases.length === 0) return;
    const peerRss = medians[peer]?.maxRssMb;
    lines.push("");
    // The ratio column as wide as its heading, and no narrower than the JSON Schema set's table has it.
    const widths = [44, 9, Math.max(28, peerLabel.length + 2), 9, 12];
    lines.push(row([title, "median", `÷ ${peerLabel}`, "max RSS", "÷ peer's RSS"], widths));
    for (const c of cases) {
      const med = medians[c.id]!;
      const r = ratio(c.id, peer);
      const rssRatio =
        med.maxRssMb != null && peerRss != null ? (med.maxRssMb / peerRss).toFixed(2) : "";
      lines.push(
        row(
          [
            c.label,
            seconds(med.seconds),
            r === undefined ? "" : r.toFixed(2),
            mb(med.maxRssMb),
            rssRatio,
          ],
          widths,
        ),
      );
    }
  };
  /** The extra time of a case over its baseline, paired round by round: "+0.25 s". */
  const cost = (id: string) => {
    const p = paired[id];
    return p === undefined ? "" : `${p.seconds < 0 ? "-" : "+"}${Math.abs(p.seconds).toFixed(2)} s`;
  };
  const skippedOf = (set: CaseResult["set"], group: CaseResult["group"]) =>
    (results.skipped ?? []).filter((k) => k.set === set && k.group === group);
  const skipNotes = (skipped: readonly SkippedCase[]) => {
    for (const reason of new Set(skipped.map((k) => k.reason))) lines.push(`  skipped: ${reason}`);
  };
  /** Rows in the order the cases came, each with its skipLibCheck on and off cells. */
  const consumerTable = (cases: CaseResult[], skipped: SkippedCase[], title: string) => {
    if (cases.length === 0) return;
    const rows: string[] = [];
    for (const r of [...cases, ...skipped].map((c) => c.row ?? c.id))
      if (!rows.includes(r)) rows.push(r);
    const width = Math.max(44, title.length, ...rows.map((r) => r.length));
    const widths = [width, 22, 22];
    lines.push("");
    lines.push(row([title, "skipLibCheck on", "off"], widths));
    for (const r of rows) {
      const cell = (skipLibCheck: boolean) => {
        const c = cases.find((c) => (c.row ?? c.id) === r && c.skipLibCheck === skipLibCheck);
        if (c === undefined)
          return skipped.some((k) => k.row === r && k.skipLibCheck === skipLibCheck)
            ? "skipped"
            : "";
        const own = seconds(medians[c.id]!.seconds);
        return c.baseline === undefined ? own : `${own} (${cost(c.id)})`;
      };
      lines.push(row([r, cell(true), cell(false)], widths));
    }
    // Where a consumer of several entries imports from, e.g. the five tag entries.
    const noted = new Set<string>();
    for (const c of cases) {
      const specifiers = (c.imports ?? []).map((i) => i.specifier);
      if (specifiers.length < 2 || noted.has(c.row ?? c.id)) continue;
      noted.add(c.row ?? c.id);
      lines.push(`  ${c.row ?? c.id}: ${specifiers.join(", ")}`);
    }
    skipNotes(skipped);
  };
  const editorTable = (cases: CaseResult[], skipped: SkippedCase[], title: string) => {
    if (cases.length === 0) return;
    const rows = [...cases, ...skipped].map((c) => c.row ?? c.id);
    const widths = [Math.max(44, title.length, ...rows.map((r) => r.length)), 9, 22, 16];
    lines.push("");
    lines.push(row([title, "median", "extra, paired", "of it, to open"], widths));
    for (const c of cases) {
      const open = (c.samples as Partial<EditorSample>[])
        .map((s) => s.openSeconds)
        .filter((v): v is number => v !== undefined);
      lines.push(
        row(
          [
            c.row ?? c.label,
            seconds(medians[c.id]!.seconds),
            c.baseline === undefined ? "(the baseline)" : cost(c.id),
            open.length > 0 ? seconds(median(open)) : "",
          ],
          widths,
        ),
      );
    }
    for (const k of skipped) lines.push(row([k.row, "skipped"], widths));
    skipNotes(skipped);
  };
  const targetList = (set: Target["set"], title: string) => {
    const list = targets.filter((t) => t.set === set);
    const unmeasured = notMeasured.filter((t) => t.set === set);
    if (list.length === 0 && unmeasured.length === 0) return;
    const limitText = (t: { unit: Target["unit"]; limit: number }) =>
      t.unit === "ratio" ? t.limit.toFixed(2) : `${t.limit.toFixed(2)} s`;
    lines.push("");
    lines.push(title);
    for (const t of list) {
      const value = t.unit === "ratio" ? t.value.toFixed(3) : `${t.value.toFixed(3)} s`;
      lines.push(
        `  ${t.met ? "met    " : "NOT MET"}  ${t.name}: ${value} (target ≤ ${limitText(t)})`,
      );
    }
    for (const t of unmeasured)
      lines.push(`  skipped  ${t.name}: not measured, ${t.reason} (target ≤ ${limitText(t)})`);
  };
  const of = (set: CaseResult["set"], group: CaseResult["group"]) =>
    results.cases.filter((c) => c.set === set && c.group === group);

  generationTable(of("json-schema", "generation"), "Generation", PEER, PEER);
  consumerTable(
    of("json-schema", "consumer"),
    skippedOf("json-schema", "consumer"),
    "Consumer: tsc --noEmit (+: paired extra time)",
  );
  const ops = results.operations;
  if (ops !== undefined) {
    lines.push("");
    const generated =
      ops.generated === undefined || ops.generated.files <= 3
        ? ""
        : ` (${kb(ops.generated.bytes)} in ${ops.generated.files} files in all)`;
    lines.push(
      `Operations: ${ops.document} (${ops.schemaCount} schemas, ${ops.operationCount} operations, ${ops.files} files after sync --all); output ${kb(ops.outputBytes)} index.d.ts${generated}, the peer's ${kb(ops.peerOutputBytes)}.`,
    );
    lines.push(`Peer: ${ops.peerCommand}`);
  }
  generationTable(
    of("openapi", "generation"),
    "Generation, with operations",
    OPERATIONS_PEER,
    OPERATIONS_PEER_LABEL,
  );
  const pack = ops?.package;
  const packText =
    pack === undefined
      ? ""
      : `tarball ${kb(pack.tarballBytes)}, unpacked ${kb(pack.unpackedBytes)}, ${pack.files} files`;
  if (pack !== undefined) {
    lines.push("");
    lines.push(`Package with that output: ${packText} (${pack.command}).`);
  }
  consumerTable(
    of("openapi", "consumer"),
    skippedOf("openapi", "consumer"),
    "Consumer of that package: tsc --noEmit (+: paired extra time)",
  );
  editorTable(
    of("openapi", "tsserver"),
    skippedOf("openapi", "tsserver"),
    "Editor: tsserver, open to first completion (fresh server per sample)",
  );
  if (of("openapi", "consumer").length > 0 || of("openapi", "tsserver").length > 0)
    lines.push(
      "  +: the median over rounds of (this case − the baseline), both measured in the same round.",
    );

  if (results.diff !== undefined) {
    lines.push("");
    lines.push(
      `Diff: ${results.diff.document} split by sync --all, against a copy where ${results.diff.changedFile} gains a property.`,
    );
  }
  generationTable(
    of("openapi", "diff"),
    "Drift report (npm run diff), with operations",
    DIFF_PEER,
    DIFF_PEER_LABEL,
  );
  if (results.layouts !== undefined && results.layouts.length > 0) {
    // Each cell: the extra time over the no-import consumer of the same layout and round.
    const widths = [16, 16, 10, 10, 10, 10, 14, 14];
    lines.push("");
    lines.push(
      "Layouts of that package (generate --layout), tsc and tsserver, +: paired extra time",
    );
    lines.push(
      row(
        [
          "layout",
          "files, size",
          "root on",
          "root off",
          "tag on",
          "tag off",
          "tsserver root",
          "tsserver tag",
        ],
        widths,
      ),
    );
    for (const l of results.layouts) {
      const tsc = (what: string, on: boolean) =>
        cost(`${l.prefix}tsc-${what}-skiplibcheck-${on ? "on" : "off"}`) || "n/a";
      lines.push(
        row(
          [
            l.layout,
            `${l.files}, ${kb(l.bytes)}`,
            tsc("imports-1", true),
            tsc("imports-1", false),
            tsc("tag-imports-1", true),
            tsc("tag-imports-1", false),
            cost(`${l.prefix}tsserver-root`) || "n/a",
            cost(`${l.prefix}tsserver-tag`) || "n/a",
          ],
          widths,
        ),
      );
    }
    lines.push("  n/a: one-file has no tag entry.");
  }
  targetList("json-schema", "Targets");
  targetList("openapi", "Targets, with operations");
  return { table: lines.join("\n"), summary: { medians, paired, targets, notMeasured } };
}

function row(cells: string[], widths: number[]): string {
  return cells
    .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
    .join(" ")
    .trimEnd();
}

function seconds(s: number): string {
  return `${s.toFixed(2)} s`;
}

function kb(bytes: number): string {
  return `${Math.round(bytes / 1024).toLocaleString("en-US")} KB`;
}

function mb(value: number | null): string {
  return value == null ? "n/a" : `${Math.round(value)} MB`;
}
