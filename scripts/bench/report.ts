/** The bench's results as data, and as the table it prints: medians, ratios to the peer, targets. */
import { median, type Sample } from "./measure.js";

export interface CaseResult {
  id: string;
  label: string;
  group: "generation" | "consumer";
  samples: Sample[];
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
  summary?: Summary;
}

export interface Target {
  name: string;
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
  const addRatio = (name: string, id: string, limit: number) => {
    const value = ratio(id, PEER);
    if (value !== undefined)
      targets.push({ name, value, limit, unit: "ratio", met: value <= limit });
  };
  addRatio("cold full generation / json-schema-to-typescript", "generate-cold", 0.8);
  addRatio("no-op --check / json-schema-to-typescript", "generate-check-noop", 0.1);
  addRatio("one schema changed / json-schema-to-typescript", "generate-one-changed", 0.2);
  const coldRss = medians["generate-cold"]?.maxRssMb;
  const peerRss = medians[PEER]?.maxRssMb;
  if (coldRss != null && peerRss != null) {
    targets.push({
      name: "peak memory, cold full generation / json-schema-to-typescript",
      value: coldRss / peerRss,
      limit: 1,
      unit: "ratio",
      met: coldRss <= peerRss,
    });
  }
  for (const skip of ["on", "off"]) {
    const base = medians[`tsc-imports-0-skiplibcheck-${skip}`];
    const one = medians[`tsc-imports-1-skiplibcheck-${skip}`];
    if (base && one) {
      const value = one.seconds - base.seconds;
      targets.push({
        name: `consumer importing one type, skipLibCheck ${skip}: extra tsc time`,
        value,
        limit: 0.1,
        unit: "s",
        met: value <= 0.1,
      });
    }
  }

  const m = results.machine;
  const lines: string[] = [];
  lines.push(
    `Bench, ${results.date.slice(0, 16).replace("T", " ")} UTC: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.platform}, Node ${m.node}`,
  );
  lines.push(
    `${results.runs} runs per case, interleaved; medians. Load average ${m.loadAverageBefore} before, ${m.loadAverageAfter} after: absolute times are noisy, compare the ratios.`,
  );
  lines.push(
    `Schema set: ${results.schemas} (${results.schemaCount} schemas). generate started as: ${results.generateCommand}`,
  );

  const generation = results.cases.filter((c) => c.group === "generation");
  if (generation.length > 0) {
    lines.push("");
    lines.push(
      row(["Generation", "median", `÷ ${PEER}`, "max RSS", "÷ peer's RSS"], [44, 9, 28, 9, 12]),
    );
    for (const c of generation) {
      const med = medians[c.id]!;
      const r = ratio(c.id, PEER);
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
          [44, 9, 28, 9, 12],
        ),
      );
    }
  }
  const consumers = results.cases.filter((c) => c.group === "consumer");
  if (consumers.length > 0) {
    lines.push("");
    lines.push(row(["Consumer: tsc --noEmit", "skipLibCheck on", "off"], [44, 22, 22]));
    for (const imports of [0, 1, 50]) {
      const cell = (skip: string) => {
        const own = medians[`tsc-imports-${imports}-skiplibcheck-${skip}`];
        const base = medians[`tsc-imports-0-skiplibcheck-${skip}`];
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
  }
  if (targets.length > 0) {
    lines.push("");
    lines.push("Targets");
    for (const t of targets) {
      const value = t.unit === "ratio" ? t.value.toFixed(3) : `${t.value.toFixed(3)} s`;
      const limit = t.unit === "ratio" ? t.limit.toFixed(2) : `${t.limit.toFixed(2)} s`;
      lines.push(`  ${t.met ? "met    " : "NOT MET"}  ${t.name}: ${value} (target ≤ ${limit})`);
    }
  }
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

function mb(value: number | null): string {
  return value == null ? "n/a" : `${Math.round(value)} MB`;
}
