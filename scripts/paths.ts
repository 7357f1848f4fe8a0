/** Paths as text: what messages, labels and the output header print. */

/** Forward slashes and no trailing slash, so the text does not depend on how the path was spelled. */
export function tidyPath(path: string): string {
  const tidied = path.replace(/\\/g, "/").replace(/\/+$/, "");
  return tidied === "" ? "/" : tidied;
}
