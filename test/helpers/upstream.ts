/**
 * Where the tests find the real upstream data (../shared, never copied into the project).
 * One environment variable, KLAVIYO_UPSTREAM_SET, names the 2026-04-15 JSON Schema folder; the
 * OpenAPI document is looked up beside it. When the data is absent, tests that need it say so and skip,
 * except in CI (.ci/run sets CI=true), where its absence is a failure.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const UPSTREAM_SET = resolve(
  process.env["KLAVIYO_UPSTREAM_SET"] ?? "../shared/upstream/klaviyo-json-schema-2026-04-15",
);
export const UPSTREAM_OPENAPI = join(dirname(UPSTREAM_SET), "klaviyo-openapi-2026-07-15.json");

export const hasUpstreamSet = existsSync(UPSTREAM_SET);
export const hasUpstreamOpenApi = existsSync(UPSTREAM_OPENAPI);

/** `describe` when the data is there; otherwise one skipped block whose name says why. In CI, a failing test. */
export function describeWithUpstream(
  name: string,
  path: string,
  present: boolean,
  body: () => void,
): void {
  if (present) {
    describe(name, body);
  } else if (process.env["CI"] === "true") {
    test(`${name}: upstream data at ${path}`, () => {
      throw new Error(
        `upstream data missing at ${path}; CI requires it (set KLAVIYO_UPSTREAM_SET)`,
      );
    });
  } else {
    describe.skip(`${name} (skipped: no upstream data at ${path}; set KLAVIYO_UPSTREAM_SET)`, body);
  }
}
