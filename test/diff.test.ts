/**
 * The drift report (npm run diff) and the changelog entries made from it (npm run release:notes).
 * Hand-made fixture pairs under test/fixtures/diff/<case>/{old,new} each change one thing; the real pair is
 * the 2026-04-15 JSON Schema set against the 2026-07-15 OpenAPI document.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bumpVersion, hasEntry, prependEntry } from "../scripts/diff/changelog.js";
import { compareSchemas } from "../scripts/diff/compare.js";
import { bottomUpOrder, dependentsIndex } from "../scripts/diff/dependents.js";
import { readSide } from "../scripts/diff/inputs.js";
import { driftSummaryLine, renderJson, renderMarkdown, truncate } from "../scripts/diff/render.js";
import { diffSchemaSources, type DriftReport, type SchemaDrift } from "../scripts/diff/report.js";
import { SchemaError } from "../scripts/pipeline/errors.js";
import {
  describeWithUpstream,
  hasUpstreamOpenApi,
  hasUpstreamSet,
  UPSTREAM_OPENAPI,
  UPSTREAM_SET,
} from "./helpers/upstream.js";
import { expectError } from "./helpers/expect-error.js";
import { tscFailingLines, writeGeneratedSides } from "./helpers/tsc-lines.js";
import { inlineFiles } from "./helpers/fixtures.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURES = join(ROOT, "test", "fixtures", "diff");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

async function diffFixture(name: string): Promise<DriftReport> {
  return diffSchemaSources(
    readSide(join(FIXTURES, name, "old")),
    readSide(join(FIXTURES, name, "new")),
  );
}

const NEITHER = { readers: false, writers: false };
const READERS = { readers: true, writers: false };
const WRITERS = { readers: false, writers: true };
const BOTH = { readers: true, writers: true };

describe("one change per fixture pair: kind, compiler verdict, details", () => {
  // The verdicts follow the definitions: readers break when new is not assignable to old, writers when
  // old is not assignable to new.
  const cases: [string, Omit<SchemaDrift, "name" | "affects">, string][] = [
    [
      "property-removed",
      {
        change: "changed",
        breaks: READERS,
        details: [{ kind: "property-removed", path: "$.name", required: true }],
      },
      "major",
    ],
    // Optional keys may be absent on both sides, so dropping one is assignable both ways (the detail still says so).
    [
      "optional-property-removed",
      {
        change: "changed",
        breaks: NEITHER,
        details: [{ kind: "property-removed", path: "$.note", required: false }],
      },
      "minor",
    ],
    [
      "optional-to-required",
      { change: "changed", breaks: WRITERS, details: [{ kind: "required-added", path: "$.note" }] },
      "major",
    ],
    [
      "required-to-optional",
      {
        change: "changed",
        breaks: READERS,
        details: [{ kind: "required-removed", path: "$.name" }],
      },
      "major",
    ],
    [
      "nullable-added",
      { change: "changed", breaks: READERS, details: [{ kind: "nullable-added", path: "$.note" }] },
      "major",
    ],
    [
      "nullable-removed",
      {
        change: "changed",
        breaks: WRITERS,
        details: [{ kind: "nullable-removed", path: "$.note" }],
      },
      "major",
    ],
    [
      "nullable-ref-added",
      {
        change: "changed",
        breaks: READERS,
        details: [{ kind: "nullable-added", path: "$.links" }],
      },
      "major",
    ],
    [
      "enum-value-added",
      {
        change: "changed",
        breaks: READERS,
        details: [{ kind: "enum-value-added", path: "$.status", value: "archived" }],
      },
      "major",
    ],
    [
      "enum-value-removed",
      {
        change: "changed",
        breaks: WRITERS,
        details: [{ kind: "enum-value-removed", path: "$.status", value: "live" }],
      },
      "major",
    ],
    [
      "type-changed",
      {
        change: "changed",
        breaks: BOTH,
        details: [{ kind: "type-changed", path: "$.count", from: "integer", to: "string" }],
      },
      "major",
    ],
    ["description-changed", { change: "docs", breaks: NEITHER, details: [] }, "patch"],
  ];

  test.each(cases)("%s", async (name, expected, semver) => {
    const report = await diffFixture(name);
    expect(report.schemas).toEqual([{ name: "Widget", ...expected, affects: [] }]);
    expect(report.semver).toBe(semver);
  });

  test("reordering required, enum values (set-like keywords) is no change at all", async () => {
    const report = await diffFixture("order-only");
    expect(report).toEqual({
      semver: "none",
      summary: { added: 0, removed: 0, changed: 0, docs: 0, breaking: 0 },
      schemas: [],
    });
    expect(driftSummaryLine(report)).toBe("drift: no schema changes → none");
  });

  test("a change reached only through a $ref is listed once, on the referenced schema, with every dependent", async () => {
    const report = await diffFixture("transitive");
    expect(report.schemas).toEqual([
      {
        name: "B",
        change: "changed",
        breaks: READERS,
        details: [{ kind: "enum-value-added", path: "$", value: "three" }],
        affects: ["A", "C"],
      },
    ]);
  });

  test("a schema typed with the WithRequired helper gets the compiler's real verdict", async () => {
    // Before, the diff compiled the declarations without the helper: WithRequired<...> was an error type
    // that is assignable both ways, so this schema always broke neither.
    const side = (required: string[]) => ({
      dir: "side",
      files: inlineFiles({
        "base.json": { title: "Base", type: "object", properties: { id: { type: "string" } } },
        "named.json": {
          title: "Named",
          allOf: [{ $ref: "#/components/schemas/Base" }],
          required,
        },
      }),
    });
    const report = await diffSchemaSources(side([]), side(["id"]));
    expect(report.schemas).toEqual([
      {
        name: "Named",
        change: "changed",
        breaks: WRITERS,
        details: [{ kind: "required-added", path: "$.id" }],
        affects: [],
      },
    ]);
  });

  test("a removed schema breaks both; an added one neither", async () => {
    const report = await diffFixture("added-removed");
    expect(report.schemas).toEqual([
      { name: "Gadget", change: "removed", breaks: BOTH, details: [], affects: [] },
      { name: "Gizmo", change: "added", breaks: NEITHER, details: [], affects: [] },
    ]);
    expect(report.semver).toBe("major");
    expect(report.summary).toEqual({ added: 1, removed: 1, changed: 0, docs: 0, breaking: 1 });
  });

  test("the report does not depend on the order the files come in", async () => {
    const before = readSide(join(FIXTURES, "transitive", "old"));
    const after = readSide(join(FIXTURES, "transitive", "new"));
    const forward = await diffSchemaSources(before, after);
    const reversed = await diffSchemaSources(
      { ...before, files: [...before.files].reverse() },
      { ...after, files: [...after.files].reverse() },
    );
    expect(renderJson(reversed)).toBe(renderJson(forward));
  });
});

describe("keyword-level comparison", () => {
  test("docs keywords: description, summary, title, example(s), default, externalDocs, $comment", () => {
    const before = {
      type: "object",
      properties: { a: { type: "string", description: "x", default: "d", example: "e" } },
    };
    const after = {
      type: "object",
      title: "T",
      $comment: "c",
      properties: {
        a: {
          type: "string",
          description: "y",
          examples: ["e"],
          externalDocs: { url: "u" },
          summary: "s",
        },
      },
    };
    expect(compareSchemas("S", before, after)).toEqual({ kind: "docs" });
  });

  test("deprecated, format and readOnly are not docs: they say something about the value", () => {
    const before = { type: "object", properties: { a: { type: "string" } } };
    const after = {
      type: "object",
      properties: { a: { type: "string", format: "date-time", deprecated: true, readOnly: true } },
    };
    expect(compareSchemas("S", before, after)).toEqual({
      kind: "changed",
      details: [
        { kind: "keyword-added", path: "$.a", keyword: "deprecated", value: true },
        { kind: "keyword-added", path: "$.a", keyword: "format", value: "date-time" },
        { kind: "keyword-added", path: "$.a", keyword: "readOnly", value: true },
      ],
    });
  });

  test("paths: array items, odd property names, oneOf branches, and a $ref target change", () => {
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    const before = {
      type: "object",
      properties: {
        "odd-name": {
          type: "array",
          items: { type: "object", properties: { x: { type: "string" } } },
        },
        pick: { oneOf: [ref("Cat"), ref("Dog")] },
        link: ref("OldLink"),
      },
    };
    const after = {
      type: "object",
      properties: {
        "odd-name": {
          type: "array",
          items: { type: "object", properties: { x: { type: "string", nullable: true } } },
        },
        pick: { oneOf: [ref("Dog"), ref("Bird")] },
        link: ref("NewLink"),
      },
    };
    expect(compareSchemas("S", before, after)).toEqual({
      kind: "changed",
      details: [
        { kind: "ref-changed", path: "$.link", from: "OldLink", to: "NewLink" },
        { kind: "variant-removed", path: "$.pick", keyword: "oneOf", variant: "Cat" },
        { kind: "variant-added", path: "$.pick", keyword: "oneOf", variant: "Bird" },
        { kind: "nullable-added", path: '$["odd-name"][].x' },
      ],
    });
  });

  test("a property named __proto__ is compared like any other", () => {
    const before = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}}}');
    const after = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"integer"}}}');
    expect(compareSchemas("S", before, after)).toEqual({
      kind: "changed",
      details: [{ kind: "type-changed", path: "$.__proto__", from: "string", to: "integer" }],
    });
  });
});

describe("dependents", () => {
  const graph = [
    { name: "A", refersTo: ["B"] },
    { name: "B", refersTo: ["C"] },
    { name: "C", refersTo: [] },
    { name: "Step", refersTo: ["Step", "C"] },
  ];
  test("transitive, sorted, a self-reference does not count", () => {
    const dependents = dependentsIndex(graph);
    expect(dependents("C")).toEqual(["A", "B", "Step"]);
    expect(dependents("Step")).toEqual([]);
    expect(dependents("A")).toEqual([]);
  });
  test("bottom-up order: every schema after the schemas it refers to", () => {
    expect(bottomUpOrder(graph, new Set(["A", "B", "C", "Step"]))).toEqual(["C", "B", "A", "Step"]);
  });
});

describe("rendering", () => {
  let report: DriftReport;
  beforeAll(async () => {
    report = await diffFixture("added-removed");
  });

  test("JSON: exactly semver, summary, schemas[name, change, breaks, details, affects]", () => {
    const json = JSON.parse(renderJson(report));
    expect(Object.keys(json)).toEqual(["semver", "summary", "schemas"]);
    expect(Object.keys(json.schemas[0])).toEqual([
      "name",
      "change",
      "breaks",
      "details",
      "affects",
    ]);
  });

  test("one-line summary", async () => {
    expect(driftSummaryLine(report)).toBe("drift: 1 added, 1 removed → major");
    expect(driftSummaryLine(await diffFixture("enum-value-added"))).toBe(
      "drift: 1 changed (1 breaking) → major",
    );
  });

  test("Markdown: summary table, then breaking changes first", async () => {
    const text = renderMarkdown(await diffFixture("enum-value-added"), {
      from: "HEAD:schemas",
      to: "schemas/",
    });
    expect(text).toContain("## Schema drift: `HEAD:schemas` → `schemas/`");
    expect(text).toContain("Suggested version bump: **major**: 1 changed (1 breaking).");
    expect(text).toContain("| changed | 1 | 1 | 0 |");
    expect(text).toContain(
      '#### `Widget`: changed, breaks readers\n\n- enum value added at `$.status`: `"archived"`',
    );
    const markdown = renderMarkdown(report, { from: "a", to: "b" });
    expect(markdown.indexOf("### Breaking changes (1)")).toBeLessThan(
      markdown.indexOf("### Added (1)"),
    );
  });

  test("--max-bytes cuts at a line boundary and says so", () => {
    const text = Array.from({ length: 200 }, (_, i) => `- line ${i}`).join("\n") + "\n";
    const cut = truncate(text, 1000);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(1000);
    expect(cut).toMatch(/^- line 0\n/);
    expect(cut).toContain("was cut here");
    expect(truncate(text, 100000)).toBe(text);
  });
});

describe("sides given as git revisions", () => {
  let repo: string;
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), "kst-diff-git-"));
    git(repo, "init", "-q");
    cpSync(join(FIXTURES, "transitive", "old"), join(repo, "schemas"), { recursive: true });
    git(repo, "add", "schemas");
    git(repo, "commit", "-q", "-m", "old schemas");
    rmSync(join(repo, "schemas"), { recursive: true });
    cpSync(join(FIXTURES, "transitive", "new"), join(repo, "schemas"), { recursive: true });
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  test("HEAD reads the committed schemas/ (ls-tree + cat-file), the folder the working tree's", async () => {
    const before = readSide("HEAD", { cwd: repo });
    expect(before.label).toBe("HEAD:schemas");
    expect(before.files.map((f) => f.fileName)).toEqual([
      "klaviyo-a-schema.json",
      "klaviyo-b-schema.json",
      "klaviyo-c-schema.json",
    ]);
    expect(before.files[1]!.text).toBe(
      readFileSync(join(FIXTURES, "transitive", "old", "klaviyo-b-schema.json"), "utf8"),
    );
    const report = await diffSchemaSources(before, readSide("schemas", { cwd: repo }));
    expect(report.schemas.map((s) => [s.name, s.change, s.affects])).toEqual([
      ["B", "changed", ["A", "C"]],
    ]);
  });

  test("<revision>:<folder>, and clear errors for a missing folder or an unknown name", () => {
    expect(readSide("HEAD:schemas", { cwd: repo, schemasPath: "elsewhere" }).files).toHaveLength(3);
    expectError(
      () => readSide("HEAD", { cwd: repo, schemasPath: "elsewhere" }),
      'HEAD:elsewhere: no folder "elsewhere" at git revision HEAD',
      SchemaError,
    );
    expectError(
      () => readSide("no-such-branch", { cwd: repo }),
      "no-such-branch: not a folder, an OpenAPI document or a git revision",
      SchemaError,
    );
  });

  test("the CLI: --json on stdout, summary on stderr, exit codes", () => {
    const run = spawnSync(TSX, [join(ROOT, "scripts", "diff.ts"), "--json"], {
      cwd: repo,
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).schemas.map((s: SchemaDrift) => s.name)).toEqual(["B"]);
    expect(run.stderr).toMatch(
      /^diff: HEAD:schemas \(3 files\) → schemas\/ \(3 files\)\ndiff: 3 schemas in HEAD:schemas, 3 in schemas\ndiff: emitting both sides and asking the compiler about 1 schemas \(declarations: 3 of 3 old, 3 of 3 new\)\ndrift: 1 changed \(1 breaking\) → major \(\d+\.\d\ds\)\n$/,
    );
    const bad = spawnSync(TSX, [join(ROOT, "scripts", "diff.ts"), "--from", "nowhere"], {
      cwd: repo,
      encoding: "utf8",
    });
    expect([bad.status, bad.stderr]).toEqual([
      1,
      "diff: error: nowhere: not a folder, an OpenAPI document or a git revision\n",
    ]);
    expect(
      spawnSync(TSX, [join(ROOT, "scripts", "diff.ts"), "--frm", "x"], {
        cwd: repo,
        encoding: "utf8",
      }).status,
    ).toBe(2);
  });
});

describe("release notes", () => {
  let repo: string;
  const INITIAL =
    "# Changelog\n\nHow entries are made.\n\n## 1.4.2 (2026-01-01)\n\nFirst release.\n";
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), "kst-release-"));
    git(repo, "init", "-q");
    writeFileSync(
      join(repo, "package.json"),
      JSON.stringify({ name: "x", version: "1.4.2" }) + "\n",
    );
    writeFileSync(join(repo, "CHANGELOG.md"), INITIAL);
    cpSync(join(FIXTURES, "enum-value-added", "old"), join(repo, "schemas"), { recursive: true });
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "release 1.4.2");
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));
  const releaseNotes = (...args: string[]) =>
    spawnSync(TSX, [join(ROOT, "scripts", "release-notes.ts"), "--quiet", ...args], {
      cwd: repo,
      encoding: "utf8",
    });

  test("with no v* tag and no --from: says so and exits non-zero, writing nothing", () => {
    const run = releaseNotes();
    expect(run).toMatchObject({
      status: 1,
      stdout: "",
      stderr:
        "release:notes: error: HEAD: no release tag matching v* is reachable from it, so there is no last release to compare with; tag the last release (git tag v0.1.0 <commit>) or pass --from <revision>\n",
    });
    expect(readFileSync(join(repo, "CHANGELOG.md"), "utf8")).toBe(INITIAL);
  });

  test("from the last tag: the bumped version's entry goes above the earlier ones, breaking changes first", () => {
    git(repo, "tag", "v1.4.2");
    cpSync(join(FIXTURES, "enum-value-added", "new"), join(repo, "schemas"), { recursive: true });
    writeFileSync(
      join(repo, "schemas", "klaviyo-gizmo-schema.json"),
      readFileSync(join(FIXTURES, "added-removed", "new", "klaviyo-gizmo-schema.json")),
    );
    const run = releaseNotes("--date", "2026-12-01");
    expect([run.status, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toBe(
      "release:notes: CHANGELOG.md: added 2.0.0 (major) from v1.4.2:schemas → schemas/\n",
    );
    const changelog = readFileSync(join(repo, "CHANGELOG.md"), "utf8");
    expect(changelog).toBe(
      [
        "# Changelog",
        "",
        "How entries are made.",
        "",
        "## 2.0.0 (2026-12-01)",
        "",
        "Schema changes since v1.4.2 (`v1.4.2:schemas` → `schemas/`): 1 changed (1 breaking), 1 added → major. " +
          "Breaks readers: the new type is not assignable to the old one; breaks writers: the old is not assignable to the new (the TypeScript compiler's verdict).",
        "",
        "### Breaking changes (1)",
        "",
        "#### `Widget`: changed, breaks readers",
        "",
        '- enum value added at `$.status`: `"archived"`',
        "",
        "### Added (1)",
        "",
        "- `Gizmo`",
        "",
        "## 1.4.2 (2026-01-01)",
        "",
        "First release.",
        "",
      ].join("\n"),
    );
    // Running it again would write the same version twice: refused.
    const again = releaseNotes("--date", "2026-12-01");
    expect(again).toMatchObject({
      status: 1,
      stdout: "",
      stderr:
        "release:notes: error: CHANGELOG.md: already has an entry for 2.0.0; pass another --version or remove that entry first\n",
    });
    expect(readFileSync(join(repo, "CHANGELOG.md"), "utf8")).toBe(changelog);
  });

  test("--from and --version override; no schema changes and no --version writes nothing", () => {
    const none = releaseNotes("--from", "HEAD");
    expect([none.status, none.stdout]).toEqual([
      0,
      "release:notes: no schema changes since HEAD; nothing written (pass --version to write an entry anyway)\n",
    ]);
    expect(readFileSync(join(repo, "CHANGELOG.md"), "utf8")).toBe(INITIAL);
    const forced = releaseNotes("--from", "HEAD", "--version", "1.4.3", "--date", "2026-12-02");
    expect(forced.status).toBe(0);
    expect(readFileSync(join(repo, "CHANGELOG.md"), "utf8")).toBe(
      INITIAL.replace(
        "## 1.4.2",
        "## 1.4.3 (2026-12-02)\n\nNo changes to the types since HEAD.\n\n## 1.4.2",
      ),
    );
  });

  test("version arithmetic and changelog helpers", () => {
    expect(
      ["major", "minor", "patch", "none"].map((s) => bumpVersion("1.4.2", s as never)),
    ).toEqual(["2.0.0", "1.5.0", "1.4.3", "1.4.2"]);
    expect(bumpVersion("2.0.0-rc.1", "major")).toBe("2.0.0");
    expect(bumpVersion("0.1.0", "major")).toBe("1.0.0");
    expectError(() => bumpVersion("one", "patch"), '"one" is not a semver version (x.y.z)');
    expect(hasEntry("## 0.1.0 (unreleased)\n", "0.1.0")).toBe(true);
    expect(hasEntry("## 0.1.0 (unreleased)\n", "0.1")).toBe(false);
    expect(prependEntry("", "## 1.0.0\n")).toBe("# Changelog\n\n## 1.0.0\n");
    expect(
      existsSync(join(ROOT, "CHANGELOG.md")) &&
        hasEntry(readFileSync(join(ROOT, "CHANGELOG.md"), "utf8"), "0.1.0"),
    ).toBe(true);
  });
});

describeWithUpstream(
  "real drift: the 2026-04-15 JSON Schema set → the 2026-07-15 OpenAPI document",
  `${UPSTREAM_SET} and ${UPSTREAM_OPENAPI}`,
  hasUpstreamSet && hasUpstreamOpenApi,
  () => {
    let report: DriftReport;
    const entry = (name: string) => report.schemas.find((s) => s.name === name);
    beforeAll(async () => {
      report = await diffSchemaSources(readSide(UPSTREAM_SET), readSide(UPSTREAM_OPENAPI));
    });

    test("counts (109 added, 13 removed, 273 changed, 6 docs-only of the 1,181 schemas on both sides) and major", () => {
      // summary.breaking counts every listed schema that breaks readers or writers, whatever its kind:
      // 95 changed + 3 docs-only (broken through a schema they refer to) + 13 removed = 111.
      expect(report.summary).toEqual({
        added: 109,
        removed: 13,
        changed: 273,
        docs: 6,
        breaking: 111,
      });
      const breaking = (change: SchemaDrift["change"]) =>
        report.schemas.filter((s) => s.change === change && (s.breaks.readers || s.breaks.writers))
          .length;
      expect({
        changed: breaking("changed"),
        docs: breaking("docs"),
        removed: breaking("removed"),
        added: breaking("added"),
      }).toEqual({ changed: 95, docs: 3, removed: 13, added: 0 });
      expect(driftSummaryLine(report)).toBe(
        "drift: 273 changed (95 breaking), 109 added, 13 removed, 6 docs-only (3 breaking) → major",
      );
      expect(report.semver).toBe("major");
      const names = report.schemas.map((s) => s.name);
      expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      // Every directly changed schema is explained by at least one keyword-level detail.
      expect(
        report.schemas.filter((s) => s.change === "changed" && s.details.length === 0),
      ).toEqual([]);
    });

    test("PostCatalogItemCreateJobResponse gains an optional meta: changed, breaks neither", () => {
      expect(entry("PostCatalogItemCreateJobResponse")).toEqual({
        name: "PostCatalogItemCreateJobResponse",
        change: "changed",
        breaks: NEITHER,
        details: [{ kind: "property-added", path: "$.meta", required: false }],
        affects: [],
      });
      expect(entry("ResponseMeta")).toMatchObject({
        change: "added",
        breaks: NEITHER,
        details: [],
      });
      expect(entry("ResponseMeta")!.affects).toContain("PostCatalogItemCreateJobResponse");
    });

    // Each of these was read by hand against the two schema bodies.
    test("a sample of each kind", () => {
      expect(entry("ConversationResponseObjectResource")).toMatchObject({
        change: "changed",
        breaks: WRITERS,
        details: [{ kind: "property-added", path: "$.attributes", required: true }],
      });
      expect(entry("CollectionLinks")).toMatchObject({
        change: "changed",
        breaks: NEITHER,
        details: [
          { kind: "property-removed", path: "$.first", required: false },
          { kind: "property-removed", path: "$.last", required: false },
        ],
      });
      expect(entry("FormCreateQueryResourceObject")).toMatchObject({
        change: "changed",
        details: [{ kind: "enum-value-removed", path: "$.attributes.status", value: "live" }],
      });
      expect(entry("ReviewBlockStyles")).toMatchObject({
        change: "changed",
        breaks: BOTH,
        details: [
          {
            kind: "keyword-removed",
            path: "$.shadow_color",
            keyword: "enum",
            value: ["dark", "light", "medium"],
          },
          {
            kind: "keyword-added",
            path: "$.verified_badge_color",
            keyword: "enum",
            value: ["dark", "default", "light"],
          },
        ],
      });
      expect(entry("StringPhoneOperatorStringArrayFilter")).toMatchObject({
        change: "docs",
        breaks: NEITHER,
        details: [],
      });
      expect(entry("GetFormVersionResponse")).toEqual({
        name: "GetFormVersionResponse",
        change: "removed",
        breaks: BOTH,
        details: [],
        affects: [],
      });
      expect(entry("AgentHints")).toMatchObject({ change: "added", breaks: NEITHER });
    });

    test("deep types are judged bottom-up: a docs-only schema that reaches ReviewBlockStyles through nested arrays breaks both", () => {
      // TemplateDefinition → sections[] → rows[] → columns[] → blocks[] → ReviewBlockStyles. Judged top-down,
      // TypeScript's nesting cut-off calls the two types compatible; tsc proves they are not.
      expect(entry("TemplateDefinition")).toMatchObject({ change: "docs", breaks: BOTH });
    });

    test("every verdict agrees with tsc on the generated files: one assignment per direction per schema", async () => {
      const dir = mkdtempSync(join(tmpdir(), "kst-diff-tsc-"));
      try {
        await writeGeneratedSides(dir, [readSide(UPSTREAM_SET), readSide(UPSTREAM_OPENAPI)]);
        const judged = report.schemas.filter((s) => s.change === "changed" || s.change === "docs");
        const lines = [
          'import type { components as O } from "./old.js";',
          'import type { components as N } from "./new.js";',
          "declare function value<T>(): T;",
        ];
        const byLine = new Map<number, string>();
        for (const s of judged) {
          const key = JSON.stringify(s.name);
          byLine.set(
            lines.push(
              `export const r${lines.length}: O["schemas"][${key}] = value<N["schemas"][${key}]>();`,
            ),
            `${s.name} readers`,
          );
          byLine.set(
            lines.push(
              `export const w${lines.length}: N["schemas"][${key}] = value<O["schemas"][${key}]>();`,
            ),
            `${s.name} writers`,
          );
        }
        const { failing: errors, other } = tscFailingLines(dir, lines, byLine);
        expect(other).toEqual([]);
        const ours = judged.flatMap((s) =>
          [
            s.breaks.readers ? `${s.name} readers` : [],
            s.breaks.writers ? `${s.name} writers` : [],
          ].flat(),
        );
        expect([...new Set(errors)].sort()).toEqual(ours.sort());
        // One flag per direction: 97 schemas break readers and 9 break writers (8 of them both), over the
        // 273 changed and 6 docs-only schemas.
        expect(judged).toHaveLength(279);
        expect(ours.filter((flag) => flag.endsWith(" readers"))).toHaveLength(97);
        expect(ours.filter((flag) => flag.endsWith(" writers"))).toHaveLength(9);
        expect(ours).toHaveLength(106);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

function git(cwd: string, ...args: string[]): void {
  execFileSync(
    "git",
    [
      "-c",
      "user.name=test",
      "-c",
      "user.email=test@example.invalid",
      "-c",
      "commit.gpgsign=false",
      "-c",
      "tag.gpgsign=false",
      ...args,
    ],
    { cwd, stdio: "pipe" },
  );
}
