/**
 * Type tests: test/types/seed.ts compiled by tsc (strict, skipLibCheck off) against the committed
 * generated/ declarations. Valid payloads must compile; each invalid one sits under @ts-expect-error,
 * which is itself an error when nothing fails below it.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { typecheck } from "./helpers/typecheck.js";

const seedTypes = resolve("test/types/seed.ts");
const generated = resolve("generated/index.d.ts");

test("the seed's type tests compile: valid payloads accepted, invalid ones rejected", () => {
  const diagnostics = typecheck({
    [seedTypes]: readFileSync(seedTypes, "utf8"),
    [generated]: readFileSync(generated, "utf8"),
  });
  expect(diagnostics).toEqual([]);
});

test("the type tests have teeth: a @ts-expect-error over valid code is reported", () => {
  const probe = resolve("test/types/probe.ts");
  const diagnostics = typecheck({
    [probe]: `import type { ObjectLinks } from "../../generated/index.js";\n// @ts-expect-error this is valid\nexport const ok: ObjectLinks = { self: "s" };\n`,
    [generated]: readFileSync(generated, "utf8"),
  });
  expect(diagnostics).toEqual([`${probe}:2: TS2578 Unused '@ts-expect-error' directive.`]);
});
