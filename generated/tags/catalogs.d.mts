// ESM entry for the "import" condition: the same types as catalogs.d.ts.
export type * from "./catalogs.js";
