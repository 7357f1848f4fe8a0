// ESM entry for the "import" condition: the same types as index.d.ts.
export type * from "./index.js";
