/** Jest runs the TypeScript tests as native ES modules (the pipeline's dependencies are ESM). */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json" }] },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  // Catalog-scale tests generate and compile 1,194 schemas; this is a hang guard, not a timing assertion.
  testTimeout: 300000,
};
