/**
 * The package as a consumer gets it: npm pack, the tarball's contents, attw and publint, and throw-away
 * consumer projects that install the tarball offline and compile under node10, node16 (CommonJS and
 * ESM) and bundler resolution.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { EXPECTED_FILES, lintTarball, packInto, type Packed } from "../scripts/package/pack.js";
import { tempDir } from "./helpers/cli.js";

const TSC = resolve("node_modules/typescript/bin/tsc");

const CONSUMER = `import type { PostCatalogItemCreateJobResponse, components } from "klaviyo-schema-types";

type JobStatus = components["schemas"]["PostCatalogItemCreateJobResponse"]["data"]["attributes"]["status"];
export const status: JobStatus = "complete";
export function progress(job: PostCatalogItemCreateJobResponse): number | null | undefined {
  return job.data.attributes.completed_count;
}
// @ts-expect-error total_count is a number
export const wrong: PostCatalogItemCreateJobResponse["data"]["attributes"]["total_count"] = "10";
// @ts-expect-error "running" is not a job status
export const running: JobStatus = "running";
`;

const MODES: Record<string, { packageType?: "module"; compilerOptions: Record<string, unknown> }> =
  {
    node10: { compilerOptions: { module: "commonjs", moduleResolution: "node10" } },
    "node16 (CommonJS)": { compilerOptions: { module: "node16", moduleResolution: "node16" } },
    "node16 (ESM)": {
      packageType: "module",
      compilerOptions: { module: "node16", moduleResolution: "node16" },
    },
    bundler: { compilerOptions: { module: "esnext", moduleResolution: "bundler" } },
  };

let packed: Packed;
beforeAll(() => {
  packed = packInto(tempDir("kst-pack-"));
});

test("the tarball holds only what consumers need", () => {
  expect(packed.files).toEqual(EXPECTED_FILES);
});

test("attw and publint are clean on the tarball", () => {
  // Both tools ran (a loop over no results would pass), and each is clean.
  expect(
    lintTarball(packed.tarball).map((result) => ({
      tool: result.tool,
      ok: result.ok,
      output: result.ok ? "" : result.output,
    })),
  ).toEqual([
    { tool: "attw", ok: true, output: "" },
    { tool: "publint", ok: true, output: "" },
  ]);
});

describe.each(Object.entries(MODES))(
  "a consumer with moduleResolution %s",
  (_mode, { packageType, compilerOptions }) => {
    test("installs the tarball offline and compiles, with the @ts-expect-error lines needed", () => {
      const project = tempDir("kst-consumer-");
      writeFileSync(
        join(project, "package.json"),
        JSON.stringify({
          name: "consumer",
          private: true,
          ...(packageType ? { type: packageType } : {}),
        }),
      );
      const install = spawnSync(
        "npm",
        ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", packed.tarball],
        { cwd: project, encoding: "utf8" },
      );
      expect(install.status).toBe(0);
      expect(
        existsSync(join(project, "node_modules/klaviyo-schema-types/generated/index.d.ts")),
      ).toBe(true);
      writeFileSync(join(project, "consumer.ts"), CONSUMER);
      writeFileSync(
        join(project, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: [],
            target: "es2022",
            ...compilerOptions,
          },
          files: ["consumer.ts"],
        }),
      );
      const compile = spawnSync(process.execPath, [TSC, "-p", project], {
        cwd: project,
        encoding: "utf8",
      });
      expect(compile.stdout + compile.stderr).toBe("");
      expect(compile.status).toBe(0);

      // The same consumer without the package installed must fail: the check is not vacuous.
      const broken = CONSUMER.replace(/"klaviyo-schema-types"/, '"klaviyo-schema-types-missing"');
      writeFileSync(join(project, "consumer.ts"), broken);
      expect(
        spawnSync(process.execPath, [TSC, "-p", project], { cwd: project, encoding: "utf8" })
          .status,
      ).not.toBe(0);
    });
  },
);
