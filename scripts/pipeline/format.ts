/**
 * Stage 5, format: prettier with the project's committed options, passed explicitly so that no
 * .prettierrc or editorconfig on the user's machine changes the bytes. The generate pipeline formats the
 * file in parts (chunks.ts), and of each part only what the TypeScript printer does not already write in
 * prettier's form, in the main thread or a worker (pool.ts); formatting the whole file at once is the
 * reference that gives the same bytes.
 */
import { format, type Options } from "prettier";

export const PRETTIER_OPTIONS: Options = {
  parser: "babel-ts",
  printWidth: 100,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  trailingComma: "all",
  endOfLine: "lf",
};

export function formatDeclarations(source: string): Promise<string> {
  return format(source, PRETTIER_OPTIONS);
}
