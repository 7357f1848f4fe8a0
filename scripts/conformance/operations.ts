/**
 * The bodies of operations: every media type of each request body, and of each response whose status is 2XX,
 * 4XX, 5XX (a code or a range) or `default`. Each body's schema is read in its direction (direction-rule.ts)
 * by a judge of that direction; its instances are generated from that reading as a schema's are, and are
 * checked through the operation's own types (typecheck.ts, operationBodyType).
 *
 * A body that several operations share (a `$ref` to one schema, or one response component) is generated and
 * judged once; its instances are checked once per operation, through each operation's types. Pure.
 */
import { isObject, type Json, type JsonObject } from "../pipeline/json.js";
import type { ResolvedSet } from "../pipeline/resolve.js";
import type { Direction } from "./direction-rule.js";
import { generateNodeInstances, type Candidate } from "./instances.js";
import type { Judge } from "./judge.js";
import type { Miss } from "./report.js";
import type { BodyPlace } from "./typecheck.js";

/** One body of one operation. */
export interface OperationBody {
  operationId: string;
  place: BodyPlace;
  media: string;
  direction: Direction;
  /** The media type's schema as written (after resolve, before normalize). */
  schema: Json;
  /** The file the schema is written in, for messages. */
  file: string;
}

/** The body as a report names it, e.g. `request application/vnd.api+json`, `202 application/vnd.api+json`. */
export function bodyName(body: Pick<OperationBody, "place" | "media">): string {
  return `${body.place.kind === "request" ? "request" : body.place.status} ${body.media}`;
}

const CHECKED_STATUS = /^(?:[245](?:[0-9]{2}|XX)|default)$/i;

/** Every body of every operation of the set, operation by operation, the request body first. */
export function operationBodies(set: ResolvedSet): OperationBody[] {
  const component = (kind: string, ref: string) => {
    const name = ref.slice(`#/components/${kind}/`.length);
    const found = set.components.find((c) => c.kind === kind && c.name === name);
    if (found === undefined) throw new Error(`internal: no ${kind} component for ${ref}`);
    return { body: found.body, file: found.path };
  };
  /** A Request Body or Response Object, or the component a Reference Object names. */
  const object = (value: Json | undefined, kind: string, file: string) => {
    if (!isObject(value)) return undefined;
    return typeof value["$ref"] === "string"
      ? component(kind, value["$ref"])
      : { body: value, file };
  };
  const bodies: OperationBody[] = [];
  const contents = (
    operationId: string,
    place: BodyPlace,
    direction: Direction,
    found: { body: JsonObject; file: string } | undefined,
  ) => {
    const content = found?.body["content"];
    if (found === undefined || !isObject(content)) return;
    for (const [media, mediaType] of Object.entries(content)) {
      if (!isObject(mediaType) || mediaType["schema"] === undefined) continue;
      bodies.push({
        operationId,
        place,
        media,
        direction,
        schema: mediaType["schema"],
        file: found.file,
      });
    }
  };
  for (const o of set.operations) {
    contents(
      o.operationId,
      { kind: "request" },
      "request",
      object(o.operation["requestBody"], "requestBodies", o.path),
    );
    const responses = o.operation["responses"];
    if (!isObject(responses)) continue;
    for (const [status, response] of Object.entries(responses)) {
      if (!CHECKED_STATUS.test(status)) continue;
      contents(
        o.operationId,
        { kind: "response", status },
        "response",
        object(response, "responses", o.path),
      );
    }
  }
  return bodies;
}

/** What the generator and the judge made of one body's schema. */
export interface JudgedBody {
  /** The instances the judge classified as intended, in order. */
  kept: Candidate[];
  /** Per kept candidate: the judge's reason when invalid. */
  judgeErrors: (string | undefined)[];
  /** Instances the judge classified the other way (not used). */
  misses: Miss[];
  /** The schemas' own examples/defaults the judge rejects (not used). */
  examplesRejected: Miss[];
  skipped: number;
  problem?: string;
}

/**
 * Generates and judges the bodies' instances, each distinct schema once per direction. `judgeOf` gives the
 * judge of a direction (its `view` is the set as that direction reads it).
 */
export function judgeBodies(
  bodies: readonly OperationBody[],
  judgeOf: (direction: Direction) => Judge,
  options: { recursionDepth?: number } = {},
): JudgedBody[] {
  const cache = new Map<string, Map<unknown, JudgedBody>>();
  return bodies.map((body) => {
    const byDirection = cache.get(body.direction) ?? new Map<unknown, JudgedBody>();
    cache.set(body.direction, byDirection);
    // One `$ref` text is one schema; any other node is one by identity (a shared response component).
    const key =
      isObject(body.schema) &&
      Object.keys(body.schema).length === 1 &&
      typeof body.schema["$ref"] === "string"
        ? body.schema["$ref"]
        : body.schema;
    let judged = byDirection.get(key);
    if (judged === undefined) {
      judged = judgeBody(body, judgeOf(body.direction), options);
      byDirection.set(key, judged);
    }
    return judged;
  });
}

function judgeBody(
  body: OperationBody,
  judge: Judge,
  options: { recursionDepth?: number },
): JudgedBody {
  const view = judge.view;
  if (view === undefined) throw new Error("internal: a body needs a judge of its direction");
  const root = view.direct(body.file, body.schema);
  const generated = generateNodeInstances(view.schemas, "(the body's own schema)", root, {
    recursionDepth: options.recursionDepth,
    judge,
    hidden: view,
  });
  const out: JudgedBody = {
    kept: [],
    judgeErrors: [],
    misses: [],
    examplesRejected: [],
    skipped: generated.skipped.length,
    ...(generated.problem === undefined ? {} : { problem: generated.problem }),
  };
  for (const candidate of generated.candidates) {
    const verdict = judge.validateNode(root, candidate.value);
    const asIntended = candidate.intent === "valid" ? verdict.valid : !verdict.validIgnoringFormats;
    if (asIntended) {
      out.kept.push(candidate);
      out.judgeErrors.push(verdict.error);
      continue;
    }
    const miss: Miss = {
      schema: candidate.schema,
      intent: candidate.intent,
      origin: candidate.origin,
      label: candidate.label,
      judge:
        candidate.intent === "valid"
          ? (verdict.error ?? "valid")
          : verdict.valid
            ? "valid"
            : `valid but for a format (${verdict.error})`,
    };
    if (candidate.origin !== "generated" && candidate.intent === "valid")
      out.examplesRejected.push(miss);
    else out.misses.push(miss);
  }
  return out;
}
