/**
 * Stage 5, format: prettier with the project's committed options, passed explicitly so that no
 * .prettierrc or editorconfig on the user's machine changes the bytes.
 */
import { format, type Options } from "prettier";

export const PRETTIER_OPTIONS: Options = {
  parser: "typescript",
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
