/** What the closure walk needs from any upstream: the file names it has, and their bytes on demand. */

export interface SourceFile {
  fileName: string;
  /** URL or path, for messages. */
  path: string;
  bytes: Uint8Array;
}

export interface SourceDescription {
  kind: "github" | "openapi" | "folder";
  /** Where the files came from: the raw-file folder URL, the document URL or path, or the folder path. */
  location: string;
  /**
   * What pins the content: the commit for github; `sha256:<hex>` of the document or folder otherwise.
   * Two syncs with the same kind and revision must give the same bytes (checked against the lock).
   */
  revision: string;
  /** OpenAPI sources: the document's info.version. */
  apiVersion?: string;
}

export interface Source extends SourceDescription {
  /** The `*.json` files directly in the source's folder, sorted by code unit. */
  fileNames: readonly string[];
  /** Fetches or reads the named files, in the order given. Every name must be one of `fileNames`. */
  read(fileNames: readonly string[]): Promise<SourceFile[]>;
}
