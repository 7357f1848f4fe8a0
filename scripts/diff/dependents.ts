/**
 * Who is affected by a change: every schema that reaches the changed one through `$ref`s, directly or
 * transitively. Built from resolve.ts's `refersTo` (direct references) by reversing the edges.
 */
import { byCodeUnit } from "../pipeline/json.js";

export interface RefGraphNode {
  name: string;
  /** Names this schema refers to directly. */
  refersTo: readonly string[];
}

/** Returns a function: name → sorted names of the schemas that reach it (the schema itself excluded). */
export function dependentsIndex(schemas: readonly RefGraphNode[]): (name: string) => string[] {
  const referrers = new Map<string, string[]>();
  for (const schema of schemas) {
    for (const target of schema.refersTo) {
      const list = referrers.get(target);
      if (list) list.push(schema.name);
      else referrers.set(target, [schema.name]);
    }
  }
  const cache = new Map<string, string[]>();
  return (name) => {
    const known = cache.get(name);
    if (known) return known;
    const seen = new Set<string>();
    const queue = [name];
    while (queue.length > 0) {
      for (const referrer of referrers.get(queue.pop()!) ?? []) {
        if (seen.has(referrer)) continue;
        seen.add(referrer);
        queue.push(referrer);
      }
    }
    seen.delete(name); // a self-referring schema (`Step`) does not affect itself
    const result = [...seen].sort(byCodeUnit);
    cache.set(name, result);
    return result;
  };
}

/** Names in `wanted`, each after every schema it refers to (cycles broken arbitrarily but deterministically). */
export function bottomUpOrder(
  schemas: readonly RefGraphNode[],
  wanted: ReadonlySet<string>,
): string[] {
  const refersTo = new Map(schemas.map((s) => [s.name, s.refersTo]));
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (start: string) => {
    // Iterative post-order: the closures can be hundreds deep.
    const stack: { name: string; next: number }[] = [{ name: start, next: 0 }];
    done.add(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const targets = refersTo.get(top.name) ?? [];
      if (top.next < targets.length) {
        const target = targets[top.next++]!;
        if (!done.has(target)) {
          done.add(target);
          stack.push({ name: target, next: 0 });
        }
      } else {
        stack.pop();
        if (wanted.has(top.name)) order.push(top.name);
      }
    }
  };
  for (const name of [...wanted].sort(byCodeUnit)) if (!done.has(name)) visit(name);
  return order;
}
