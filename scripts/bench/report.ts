/** The bench's results as data, and as the table it prints: medians, ratios to the peer, targets. */
import { median, type Sample } from "./measure.js";

export interface CaseResult {
  id: string;
  label: string;
  group: "generation" | "consumer" | "diff";
  /** The input: the JSON Schema set (components only), or the OpenAPI document with its operations. */
  set: "json-schema" | "openapi";
  samples: Sample[];
}

/** Case ids of the operations part: the JSON Schema set's ids with this prefix. */
export const OPERATIONS_PREFIX = "operations-";

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
  /** Present when the operations part ran. */
  operations?: OperationsSet;
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

export interface Summary {
  medians: Record<string, { seconds: number; maxRssMb: number | null }>;
  targets: Target[];
}

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
  const targets: Target[] = [];
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
    for (const skip of ["on", "off"]) {
      const base = medians[`${prefix}tsc-imports-0-skiplibcheck-${skip}`];
      const one = medians[`${prefix}tsc-imports-1-skiplibcheck-${skip}`];
      if (base && one) {
        const value = one.seconds - base.seconds;
        targets.push({
          name: `${label}consumer importing one type, skipLibCheck ${skip}: extra tsc time`,
          set,
          value,
          limit: 0.1,
          unit: "s",
          met: value <= 0.1,
        });
      }
    }
  };
  addTargets("json-schema", "", PEER, PEER, { cold: 0.8, check: 0.1, oneChanged: 0.2 });
  addTargets("openapi", OPERATIONS_PREFIX, OPERATIONS_PEER, OPERATIONS_PEER_LABEL, {
    cold: 0.5,
    check: 0.05,
    oneChanged: 0.15,
  });
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
  const consumerTable = (cases: CaseResult[], title: string, prefix: string) => {
    if (cases.length === 0) return;
    lines.push("");
    lines.push(row([title, "skipLibCheck on", "off"], [44, 22, 22]));
    const counts = [0, 1, 50].filter((n) =>
      cases.some((c) => c.id.startsWith(`${prefix}tsc-imports-${n}-`)),
    );
    for (const imports of counts) {
      const cell = (skip: string) => {
        const own = medians[`${prefix}tsc-imports-${imports}-skiplibcheck-${skip}`];
        const base = medians[`${prefix}tsc-imports-0-skiplibcheck-${skip}`];
        if (!own || !base) return "";
        return imports === 0
          ? seconds(own.seconds)
          : `${seconds(own.seconds)} (+${(own.seconds - base.seconds).toFixed(2)} s)`;
      };
      const label =
        imports === 0
          ? "no import (the baseline)"
          : imports === 1
            ? "importing one type"
            : `importing ${imports} types`;
      lines.push(row([label, cell("on"), cell("off")], [44, 22, 22]));
    }
  };
  const targetList = (set: Target["set"], title: string) => {
    const list = targets.filter((t) => t.set === set);
    if (list.length === 0) return;
    lines.push("");
    lines.push(title);
    for (const t of list) {
      const value = t.unit === "ratio" ? t.value.toFixed(3) : `${t.value.toFixed(3)} s`;
      const limit = t.unit === "ratio" ? t.limit.toFixed(2) : `${t.limit.toFixed(2)} s`;
      lines.push(`  ${t.met ? "met    " : "NOT MET"}  ${t.name}: ${value} (target ≤ ${limit})`);
    }
  };
  const of = (set: CaseResult["set"], group: CaseResult["group"]) =>
    results.cases.filter((c) => c.set === set && c.group === group);

  generationTable(of("json-schema", "generation"), "Generation", PEER, PEER);
  consumerTable(of("json-schema", "consumer"), "Consumer: tsc --noEmit", "");
  const ops = results.operations;
  if (ops !== undefined) {
    lines.push("");
    lines.push(
      `Operations: ${ops.document} (${ops.schemaCount} schemas, ${ops.operationCount} operations, ${ops.files} files after sync --all); output ${kb(ops.outputBytes)}, the peer's ${kb(ops.peerOutputBytes)}.`,
    );
    lines.push(`Peer: ${ops.peerCommand}`);
  }
  generationTable(
    of("openapi", "generation"),
    "Generation, with operations",
    OPERATIONS_PEER,
    OPERATIONS_PEER_LABEL,
  );
  consumerTable(
    of("openapi", "consumer"),
    "Consumer of that package: tsc --noEmit",
    OPERATIONS_PREFIX,
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
  targetList("json-schema", "Targets");
  targetList("openapi", "Targets, with operations");
  return { table: lines.join("\n"), summary: { medians, targets } };
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
