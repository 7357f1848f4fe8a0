/**
 * The declarations the compiler needs for a verdict, and no more: the parts (members of `components.schemas`,
 * `operations`, `requestSchemas`, ...) that are judged, plus every part their types refer to, transitively.
 * Unchanged operations and schemas that no judged type reaches need no verdict, so they are left out: on the
 * full document with one schema changed, the two compiled texts shrink from about 1.8 MB each to a few kB.
 *
 * Each part is emitted by an emitter over the *whole* set (emit.ts), so its text is exactly the one in the full
 * file; only the file around the parts is smaller. The closure is read off the emitted text (`components[
 * "schemas"]["X"]`, `operations["id"]`, `requestSchemas["X"]`, ...), which is what the compiler will resolve,
 * whatever led openapi-typescript to write it.
 */
import {
  frameText,
  header,
  partsOf,
  referencesOf,
  spliceFrame,
  type Container,
} from "../pipeline/chunks.js";
import { createEmitter, type EmitInput, type PartId } from "../pipeline/emit.js";
import type { NormalizedSet } from "../pipeline/normalize.js";

/** What the judged declarations hold, for progress lines and tests. */
export interface JudgedDeclarations {
  text: string;
  /** How many parts (members) it holds, of how many in the whole set. */
  parts: number;
  of: number;
}

const key = (container: Container, name: string) => `${container}\0${name}`;

/**
 * The declaration text for `roots` (parts that exist in `set`; others are skipped) and their closure. The
 * `paths` and `operations` interfaces are always declared when the set has operations (empty when none is
 * needed), so the helper types that name them (`OperationParameters`, `PathsWithPresetHeaders`, ...) resolve.
 */
export function judgedDeclarations(
  set: NormalizedSet,
  roots: readonly PartId[],
  options: { source: string },
): JudgedDeclarations {
  const all = partsOf(set).filter((p) => p.container !== "paths");
  const known = new Set(all.map((p) => key(p.container, p.name)));
  const emitter = createEmitter(set);
  const texts = new Map<string, string>();
  const queue: PartId[] = [];
  const want = (container: Container, name: string) => {
    const k = key(container, name);
    if (!known.has(k) || texts.has(k)) return;
    texts.set(k, "");
    queue.push({ container, name });
  };
  for (const root of roots) want(root.container, root.name);
  while (queue.length > 0) {
    const id = queue.pop()!;
    const text = emitter.part(id).text;
    texts.set(key(id.container, id.name), text);
    for (const next of referencesOf(text)) want(next.container, next.name);
  }

  const kept = (container: Container, name: string) => texts.has(key(container, name));
  const subset: EmitInput = {
    schemas: set.schemas.filter((s) => kept("schemas", s.name)),
    variants: {
      request: set.variants.request.filter((s) => kept("requestSchemas", s.name)),
      response: set.variants.response.filter((s) => kept("responseSchemas", s.name)),
    },
    operations: set.operations.filter((o) => kept("operations", o.operationId)),
    components: set.components.filter((c) => kept(c.kind, c.name)),
  };
  const parts = partsOf(subset).filter((p) => p.container !== "paths");
  const members = new Map<Container, string[]>();
  if (set.operations.length > 0) {
    members.set("paths", []);
    members.set("operations", []);
  }
  for (const id of parts) {
    const list = members.get(id.container) ?? [];
    list.push(texts.get(key(id.container, id.name))! + "\n");
    members.set(id.container, list);
  }
  if (!members.has("schemas")) members.set("schemas", []);
  const frame = frameText(header(set, options), new Set(members.keys()));
  // No alias lines: the verdicts name every type through its container.
  return { text: spliceFrame(frame, members, []), parts: parts.length, of: all.length };
}
