/**
 * The drift report by operation: one fixture pair per rule id (test/fixtures/diff/operations/base.json against
 * cases/<rule>.json, each OpenAPI documents that change one thing), the transitive and direction cases, the
 * outputs, and the real pair 2026-04-15 → 2026-07-15 (both OpenAPI documents) cross-checked with tsc.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { judgedDeclarations } from "../scripts/diff/declarations.js";
import { readSide } from "../scripts/diff/inputs.js";
import { RULES } from "../scripts/diff/operations.js";
import { driftSummaryLine, renderJson, renderMarkdown } from "../scripts/diff/render.js";
import { diffPreparedSets, diffSchemaSources, type DriftReport } from "../scripts/diff/report.js";
import { operationVerdicts } from "../scripts/diff/verdict.js";
import { emitDeclarations } from "../scripts/pipeline/emit.js";
import { prepareSchemaSet, type PreparedSet } from "../scripts/pipeline/prepare.js";
import { tscFailingLines, writeGeneratedSides } from "./helpers/tsc-lines.js";
import { describeWithUpstream, hasUpstreamOpenApi, UPSTREAM_OPENAPI } from "./helpers/upstream.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURES = join(ROOT, "test", "fixtures", "diff", "operations");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const OLD_OPENAPI = join(dirname(UPSTREAM_OPENAPI), "klaviyo-openapi-2026-04-15.json");

const reports = new Map<string, DriftReport>();
async function diffCase(name: string): Promise<DriftReport> {
  const known = reports.get(name);
  if (known) return known;
  const report = await diffSchemaSources(
    readSide(join(FIXTURES, "base.json")),
    readSide(join(FIXTURES, "cases", `${name}.json`)),
  );
  reports.set(name, report);
  return report;
}

/** `<case> <semver> <operationId>:<change>:<Q if it breaks requests><R if responses>[<rules>] ...` */
function line(name: string, report: DriftReport): string {
  const operations = (report.operations ?? []).map(
    (o) =>
      `${o.operationId}:${o.change}:${o.breaks.requests ? "Q" : "-"}${o.breaks.responses ? "R" : "-"}[${o.details.map((d) => d.rule).join(",")}]`,
  );
  return [name, report.semver, ...operations].join(" ");
}

describe("one fixture pair per rule id", () => {
  const names = readdirSync(join(FIXTURES, "cases"))
    .map((f) => f.replace(/\.json$/, ""))
    .sort();

  test("every rule id has a fixture pair, and every pair is named after a rule id", () => {
    // request-key-removed has no pair of its own: removing a property or a parameter is what it reports.
    expect(names).toEqual(RULES.filter((r) => r !== "request-key-removed").sort());
  });

  test("each pair: the operations it affects, their change, the compiler's verdicts, the rule ids, the bump", async () => {
    const lines: string[] = [];
    for (const name of names) lines.push(line(name, await diffCase(name)));
    expect(lines).toEqual([
      "operation-added minor delete_widget:added:--[operation-added]",
      "operation-docs-changed patch get_widget:docs:--[operation-docs-changed]",
      "operation-method-changed major create_widget:changed:Q-[operation-method-changed]",
      "operation-path-changed major get_widget:changed:Q-[operation-path-changed]",
      "operation-removed major list_gadgets:removed:QR[operation-removed]",
      "request-body-added major list_gadgets:changed:Q-[request-body-added]",
      "request-body-media-type-added minor archive_widget:changed:--[request-body-media-type-added]",
      "request-body-media-type-removed minor archive_widget:changed:--[request-body-media-type-removed]",
      "request-body-property-added minor create_widget:changed:--[request-body-property-added]",
      "request-body-property-enum-value-added major create_widget:changed:--[request-body-property-enum-value-added]",
      "request-body-property-enum-value-removed major create_widget:changed:Q-[request-body-property-enum-value-removed]",
      "request-body-property-keyword-changed minor create_widget:changed:--[request-body-property-keyword-changed]",
      "request-body-property-nullable-added major create_widget:changed:--[request-body-property-nullable-added]",
      "request-body-property-nullable-removed major create_widget:changed:Q-[request-body-property-nullable-removed]",
      "request-body-property-removed major create_widget:changed:Q-[request-body-property-removed,request-key-removed]",
      "request-body-property-required-added major create_widget:changed:Q-[request-body-property-required-added]",
      "request-body-property-required-removed major create_widget:changed:--[request-body-property-required-removed]",
      "request-body-property-type-changed major create_widget:changed:Q-[request-body-property-type-changed]",
      "request-body-property-variant-added major create_widget:changed:--[request-body-property-variant-added]",
      "request-body-property-variant-removed major create_widget:changed:Q-[request-body-property-variant-removed]",
      "request-body-removed major archive_widget:changed:Q-[request-body-removed]",
      "request-body-required-added major archive_widget:changed:Q-[request-body-required-added]",
      "request-body-required-removed minor create_widget:changed:--[request-body-required-removed]",
      "request-key-read-only major create_widget:changed:Q-[request-body-property-keyword-changed,request-key-read-only]",
      "request-parameter-added minor get_widget:changed:--[request-parameter-added]",
      "request-parameter-enum-value-added minor get_widget:changed:--[request-parameter-enum-value-added]",
      "request-parameter-enum-value-removed major get_widget:changed:Q-[request-parameter-enum-value-removed]",
      "request-parameter-removed major get_widget:changed:Q-[request-parameter-removed,request-key-removed]",
      "request-parameter-required-added major get_widget:changed:Q-[request-parameter-required-added]",
      "request-parameter-required-removed minor get_widget:changed:--[request-parameter-required-removed]",
      "request-parameter-schema-changed minor get_widget:changed:--[request-parameter-schema-changed]",
      "request-parameter-style-changed minor get_widget:changed:--[request-parameter-style-changed]",
      "request-parameter-type-changed major get_widget:changed:Q-[request-parameter-type-changed]",
      "response-media-type-added minor get_widget:changed:--[response-media-type-added]",
      "response-media-type-removed minor list_gadgets:changed:--[response-media-type-removed]",
      "response-property-added major create_widget:changed:--[response-property-added] get_widget:changed:--[response-property-added]",
      "response-property-enum-value-added major create_widget:changed:-R[response-property-enum-value-added] get_widget:changed:-R[response-property-enum-value-added]",
      "response-property-enum-value-removed major create_widget:changed:--[response-property-enum-value-removed] get_widget:changed:--[response-property-enum-value-removed]",
      "response-property-keyword-changed minor create_widget:changed:--[response-property-keyword-changed] get_widget:changed:--[response-property-keyword-changed]",
      "response-property-nullable-added major create_widget:changed:-R[response-property-nullable-added] get_widget:changed:-R[response-property-nullable-added]",
      "response-property-nullable-removed major create_widget:changed:--[response-property-nullable-removed] get_widget:changed:--[response-property-nullable-removed]",
      "response-property-removed minor create_widget:changed:--[response-property-removed] get_widget:changed:--[response-property-removed]",
      "response-property-required-added major create_widget:changed:--[response-property-required-added] get_widget:changed:--[response-property-required-added]",
      "response-property-required-removed major create_widget:changed:-R[response-property-required-removed] get_widget:changed:-R[response-property-required-removed]",
      "response-property-type-changed major create_widget:changed:-R[response-property-type-changed] get_widget:changed:-R[response-property-type-changed]",
      "response-property-variant-added major create_widget:changed:-R[response-property-variant-added] get_widget:changed:-R[response-property-variant-added]",
      "response-property-variant-removed major create_widget:changed:--[response-property-variant-removed] get_widget:changed:--[response-property-variant-removed]",
      "response-status-added minor get_widget:changed:--[response-status-added]",
      "response-status-changed minor create_widget:changed:--[response-status-changed]",
      "response-status-removed minor get_widget:changed:--[response-status-removed]",
    ]);
  });

  test("details say where: the include value, the body path, the response path through the schema", async () => {
    expect(
      (await diffCase("request-parameter-enum-value-removed")).operations![0]!.details,
    ).toEqual([
      {
        rule: "request-parameter-enum-value-removed",
        where: "query parameter include",
        text: 'query parameter `include`: value `"parts"` removed',
      },
    ]);
    expect(
      (await diffCase("request-body-property-required-added")).operations![0]!.details,
    ).toEqual([
      {
        rule: "request-body-property-required-added",
        where: "request body $.data.attributes.note",
        text: "request body: `$.data.attributes.note` now required (in schema `WidgetCreateQuery`)",
      },
    ]);
    expect(
      (await diffCase("response-property-enum-value-added")).operations!.find(
        (o) => o.operationId === "get_widget",
      )!.details,
    ).toEqual([
      {
        rule: "response-property-enum-value-added",
        where: "response 200 $.data.attributes.status",
        text: 'response 200: `$.data.attributes.status` gained `"archived"` (in schema `WidgetAttributes`)',
      },
    ]);
    expect((await diffCase("response-status-changed")).operations![0]!.details).toEqual([
      { rule: "response-status-changed", where: "response 200", text: "success status 201 → 200" },
    ]);
    expect((await diffCase("request-key-read-only")).operations![0]!.details[1]).toEqual({
      rule: "request-key-read-only",
      where: "body $.data.attributes.note",
      text: "`body $.data.attributes.note` is now read-only (`?: never`): an old call that sends it no longer type-checks",
    });
  });

  test("transitive: a schema deep inside a response changes; only the operations that reach it are affected", async () => {
    // Stats is reached by WidgetResponse → WidgetResource → WidgetAttributes → stats, the success body of
    // get_widget and create_widget; list_gadgets and archive_widget never reach it.
    const report = await diffCase("response-property-type-changed");
    expect(report.operations!.map((o) => [o.operationId, o.breaks, o.details])).toEqual(
      ["create_widget", "get_widget"].map((id) => [
        id,
        { requests: false, responses: true },
        [
          {
            rule: "response-property-type-changed",
            where: `response ${id === "get_widget" ? "200" : "201"} $.data.attributes.stats.count`,
            text: `response ${id === "get_widget" ? "200" : "201"}: \`$.data.attributes.stats.count\` type \`integer\` → \`string\` (in schema \`Stats\`)`,
          },
        ],
      ]),
    );
    expect(report.schemas.map((s) => [s.name, s.change, s.affects])).toEqual([
      ["Stats", "changed", ["WidgetAttributes", "WidgetResource", "WidgetResponse"]],
    ]);
  });

  test("direction: a schema used only in responses gains a required key; responses are fine and nothing breaks requests", async () => {
    const report = await diffCase("response-property-added");
    expect(report.operations!.map((o) => o.breaks)).toEqual([
      { requests: false, responses: false },
      { requests: false, responses: false },
    ]);
    // The component-level section still judges it both ways, for code that builds components["schemas"] values.
    expect(report.schemas.map((s) => [s.name, s.breaks])).toEqual([
      ["WidgetAttributes", { readers: false, writers: true }],
    ]);
  });
});

describe("outputs", () => {
  test("JSON: operations sorted by operationId with exactly operationId, method, path, change, breaks, details", async () => {
    const json = JSON.parse(renderJson(await diffCase("response-property-enum-value-added")));
    expect(Object.keys(json)).toEqual(["semver", "summary", "operations", "schemas"]);
    expect(json.operations.map((o: { operationId: string }) => o.operationId)).toEqual([
      "create_widget",
      "get_widget",
    ]);
    expect(Object.keys(json.operations[0])).toEqual([
      "operationId",
      "method",
      "path",
      "change",
      "breaks",
      "details",
    ]);
    expect(json.operations[1]).toMatchObject({
      method: "get",
      path: "/widgets/{id}",
      change: "changed",
      breaks: { requests: false, responses: true },
    });
    expect(json.summary.operations).toEqual({
      breaking: 2,
      added: 0,
      removed: 0,
      changed: 2,
      docs: 0,
    });
  });

  test("the one-line summary counts operations first", async () => {
    expect(driftSummaryLine(await diffCase("request-parameter-enum-value-removed"))).toBe(
      "drift: 1 operation changed (1 breaking); schemas: no schema changes → major",
    );
    expect(driftSummaryLine(await diffCase("response-property-enum-value-added"))).toBe(
      "drift: 2 operations changed (2 breaking); schemas: 1 changed (1 breaking) → major",
    );
  });

  test("Markdown: operations first, breaking ones at the top with their rule ids, then the component schemas", async () => {
    const text = renderMarkdown(await diffCase("response-property-enum-value-added"), {
      from: "old",
      to: "new",
    });
    const at = (s: string) => text.indexOf(s);
    expect(at("### Operations")).toBeGreaterThan(0);
    expect(at("#### Breaking operations (2)")).toBeGreaterThan(at("### Operations"));
    expect(at("### Component schemas")).toBeGreaterThan(at("#### Breaking operations (2)"));
    expect(text).toContain(
      '##### `get_widget` (`GET /widgets/{id}`): changed, breaks responses\n\n- response 200: `$.data.attributes.status` gained `"archived"` (in schema `WidgetAttributes`) (`response-property-enum-value-added`)\n',
    );
  });

  test("--fail-on breaking exits 1 when something breaks, 0 when nothing does; the report is written either way", () => {
    const run = (to: string) =>
      spawnSync(
        TSX,
        [
          join(ROOT, "scripts", "diff.ts"),
          "--from",
          join(FIXTURES, "base.json"),
          "--to",
          join(FIXTURES, "cases", `${to}.json`),
          "--json",
          "--quiet",
          "--fail-on",
          "breaking",
        ],
        { cwd: ROOT, encoding: "utf8" },
      );
    const breaking = run("request-parameter-enum-value-removed");
    expect([breaking.status, breaking.stderr]).toEqual([
      1,
      "diff: failing because something breaks (--fail-on breaking)\n",
    ]);
    expect(JSON.parse(breaking.stdout).operations[0].operationId).toBe("get_widget");
    const fine = run("request-parameter-enum-value-added");
    expect([fine.status, fine.stderr]).toEqual([0, ""]);
  });
});

describeWithUpstream(
  "real drift by operation: the 2026-04-15 OpenAPI document → the 2026-07-15 one",
  `${OLD_OPENAPI} and ${UPSTREAM_OPENAPI}`,
  hasUpstreamOpenApi,
  () => {
    let report: DriftReport;
    beforeAll(async () => {
      report = await diffSchemaSources(readSide(OLD_OPENAPI), readSide(UPSTREAM_OPENAPI));
    });

    test("counts: 37 added, none removed, 255 changed (74 breaking), 53 docs-only, and major", () => {
      expect(report.summary.operations).toEqual({
        breaking: 74,
        added: 37,
        removed: 0,
        changed: 255,
        docs: 53,
      });
      const ops = report.operations!;
      expect(ops.filter((o) => o.breaks.requests).map((o) => o.operationId)).toEqual([
        "create_form",
        "create_template",
        "get_profile",
        "get_profiles",
        "update_template",
      ]);
      expect(ops.filter((o) => o.breaks.responses)).toHaveLength(74);
      expect(report.semver).toBe("major");
      const ids = ops.map((o) => o.operationId);
      expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    });

    test("get_profile: include value conversation → conversations removes a value old calls send, and breaks requests", () => {
      const profile = report.operations!.find((o) => o.operationId === "get_profile")!;
      expect(profile.breaks.requests).toBe(true);
      expect(profile.details).toContainEqual({
        rule: "request-parameter-enum-value-removed",
        where: "query parameter include",
        text: 'query parameter `include`: value `"conversation"` removed',
      });
    });

    test("Markdown: the operations that break requests come first among the breaking ones, and survive a cut", () => {
      const text = renderMarkdown(report, { from: "old", to: "new", maxBytes: 60_000 });
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(60_000);
      const blocks = [...text.matchAll(/^##### `(\w+)`.*breaks (.*)$/gm)].map(
        (m) => `${m[1]}: ${m[2]}`,
      );
      expect(blocks.slice(0, 6)).toEqual([
        "create_form: requests and responses",
        "create_template: requests and responses",
        "get_profile: requests and responses",
        "get_profiles: requests and responses",
        "update_template: requests and responses",
        "create_campaign: responses",
      ]);
    });

    test("every operation verdict agrees with tsc on the generated files: one assignment per operation and direction", async () => {
      const dir = mkdtempSync(join(tmpdir(), "kst-diff-ops-tsc-"));
      try {
        await writeGeneratedSides(dir, [readSide(OLD_OPENAPI), readSide(UPSTREAM_OPENAPI)]);
        const judged = report.operations!.filter((o) => o.change === "changed");
        const lines = [
          'import type * as O from "./old.js";',
          'import type * as N from "./new.js";',
          "declare function value<T>(): T;",
          "type Body<Ops, B> = B | (Ops extends { requestBody: unknown } ? never : undefined);",
        ];
        const byLine = new Map<number, string>();
        for (const o of judged) {
          const id = JSON.stringify(o.operationId);
          const call = (s: string) =>
            `{ parameters: ${s}.OperationParameters<${id}>; body: Body<${s}.operations[${id}], ${s}.RequestBody<${id}>> }`;
          byLine.set(
            lines.push(`export const q${lines.length}: ${call("N")} = value<${call("O")}>();`),
            `${o.operationId} requests`,
          );
          byLine.set(
            lines.push(
              `export const r${lines.length}: O.SuccessBody<${id}> = value<N.SuccessBody<${id}>>();`,
            ),
            `${o.operationId} responses`,
          );
        }
        const { failing: errors, other } = tscFailingLines(dir, lines, byLine);
        expect(other).toEqual([]);
        // On this pair no key an old call sends is lost and nothing moved, so assignability is the whole verdict.
        expect(
          judged.flatMap((o) => o.details).filter((d) => d.rule.startsWith("request-key-")),
        ).toEqual([]);
        const ours = judged.flatMap((o) =>
          [
            o.breaks.requests ? `${o.operationId} requests` : [],
            o.breaks.responses ? `${o.operationId} responses` : [],
          ].flat(),
        );
        expect([...new Set(errors)].sort()).toEqual(ours.sort());
        expect(ours).toHaveLength(79);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

describeWithUpstream(
  "one schema changed on the 2026-07-15 document: only what the change reaches is emitted and compiled",
  UPSTREAM_OPENAPI,
  hasUpstreamOpenApi,
  () => {
    const CHANGED = "klaviyo-postcatalogitemcreatejobresponse-schema.json";
    let oldSide: PreparedSet;
    let newSide: PreparedSet;
    beforeAll(async () => {
      const before = readSide(UPSTREAM_OPENAPI);
      const files = before.files.map((f) => {
        if (f.fileName !== CHANGED) return f;
        const body = JSON.parse(f.text);
        body.properties.note = { type: "string" };
        body.properties.data.properties.attributes.properties.status.enum.push("archived");
        return { ...f, text: JSON.stringify(body, null, 2) };
      });
      oldSide = await prepareSchemaSet(before.dir, before.files);
      newSide = await prepareSchemaSet(before.dir, files);
    });

    test("PostCatalogItemCreateJobResponse gains a property and a status value: bulk_create_catalog_items breaks responses, from a few parts", async () => {
      const progress: string[] = [];
      const report = await diffPreparedSets(oldSide, newSide, (l) => progress.push(l));
      expect(line("one-changed", report)).toBe(
        "one-changed major bulk_create_catalog_items:changed:-R[response-property-added,response-property-enum-value-added]",
      );
      expect(report.schemas.map((s) => [s.name, s.breaks])).toEqual([
        ["PostCatalogItemCreateJobResponse", { readers: true, writers: false }],
      ]);
      const counts = /declarations: (\d+) of (\d+) old, (\d+) of (\d+) new/
        .exec(progress.join("\n"))!
        .slice(1)
        .map(Number);
      expect(counts[0]).toBeLessThan(50);
      expect(counts[2]).toBeLessThan(50);
      expect([counts[1], counts[3]]).toEqual([1721, 1721]);
    });

    test("the parts give the verdicts the whole files give", async () => {
      const plan = {
        schemas: ["PostCatalogItemCreateJobResponse"],
        requestSchemas: [],
        responseSchemas: [],
        operations: ["bulk_create_catalog_items", "get_catalog_item", "create_catalog_item"],
      };
      const roots = [
        { container: "schemas" as const, name: "PostCatalogItemCreateJobResponse" },
        ...plan.operations.map((name) => ({ container: "operations" as const, name })),
      ];
      const [oldSet, newSet] = [oldSide.normalized, newSide.normalized];
      const parts = operationVerdicts(
        judgedDeclarations(oldSet, roots, { source: "old" }).text,
        judgedDeclarations(newSet, roots, { source: "new" }).text,
        plan,
      );
      const whole = operationVerdicts(
        await emitDeclarations(oldSet, { source: "old" }),
        await emitDeclarations(newSet, { source: "new" }),
        plan,
      );
      expect(parts).toEqual(whole);
      expect(whole.operations.get("bulk_create_catalog_items")).toEqual({
        requests: false,
        responses: true,
        keys: [],
      });
    });
  },
);
