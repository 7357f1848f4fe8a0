/**
 * Type tests for the embedded default, compiled with tsc by test/types.test.ts against generated/.
 * Every `@ts-expect-error` must be needed: an unused one is a compile error (TS2578).
 */
import type {
  APIJobErrorPayload,
  CatalogItemBulkCreateJobEnum,
  ErrorSource,
  PostCatalogItemCreateJobResponse,
  components,
} from "../../generated/index.js";

// Valid: only the required keys, every optional key omitted.
export const minimal: PostCatalogItemCreateJobResponse = {
  data: {
    type: "catalog-item-bulk-create-job",
    id: "job-1",
    attributes: { status: "queued", created_at: "2022-11-08T00:00:00+00:00", total_count: 10 },
    links: { self: "https://a.klaviyo.com/api/catalog-item-bulk-create-jobs/job-1" },
  },
};

// Valid: every optional key present, with null in every nullable place.
export const allNulls: PostCatalogItemCreateJobResponse = {
  data: {
    type: "catalog-item-bulk-create-job",
    id: "job-1",
    attributes: {
      status: "complete",
      created_at: "2022-11-08T00:00:00+00:00",
      total_count: 10,
      completed_count: null,
      failed_count: null,
      completed_at: null,
      errors: null,
      expires_at: null,
    },
    relationships: { items: { data: [], links: { self: "s", related: "r" } } },
    links: { self: "s" },
  },
  links: { self: "s" },
};

// Valid: every optional key present with a value.
export const full: PostCatalogItemCreateJobResponse = {
  data: {
    type: "catalog-item-bulk-create-job",
    id: "job-1",
    attributes: {
      status: "processing",
      created_at: "2022-11-08T00:00:00+00:00",
      total_count: 10,
      completed_count: 9,
      failed_count: 1,
      completed_at: "2022-11-08T00:00:00+00:00",
      errors: [
        {
          id: "e",
          code: "invalid",
          title: "Invalid input",
          detail: "d",
          source: { pointer: null },
        },
      ],
      expires_at: "2022-11-08T00:00:00+00:00",
    },
    relationships: {
      items: { data: [{ type: "catalog-item", id: "$custom:::$default:::SAMPLE-DATA-ITEM-1" }] },
    },
    links: { self: "s" },
  },
};

// The job status is a literal union; a consumer can pick it out of the nested type.
type JobStatus =
  components["schemas"]["PostCatalogItemCreateJobResponse"]["data"]["attributes"]["status"];
export const statuses: JobStatus[] = ["cancelled", "complete", "processing", "queued"];
export const emptySource: ErrorSource = {};
export const jobType: CatalogItemBulkCreateJobEnum = "catalog-item-bulk-create-job";

// Invalid: a required key missing.
// @ts-expect-error total_count is required
export const noTotal: PostCatalogItemCreateJobResponse["data"]["attributes"] = {
  status: "queued",
  created_at: "t",
};
// @ts-expect-error data is required
export const noData: PostCatalogItemCreateJobResponse = {};
// @ts-expect-error source is required
export const noSource: APIJobErrorPayload = { id: "e", code: "c", title: "t", detail: "d" };

// Invalid: null where the schema does not allow it.
// @ts-expect-error id is not nullable
export const nullId: PostCatalogItemCreateJobResponse["data"] = { ...minimal.data, id: null };
// @ts-expect-error links is a $ref without nullable
export const nullLinks: PostCatalogItemCreateJobResponse = { ...minimal, links: null };
// @ts-expect-error total_count is not nullable
export const nullTotal: JobAttributes = { status: "queued", created_at: "t", total_count: null };

// Invalid: an enum value that is not in the list.
// @ts-expect-error "running" is not a job status
export const running: JobStatus = "running";
// @ts-expect-error the type discriminator is a single literal
export const wrongType: CatalogItemBulkCreateJobEnum = "catalog-item";

// Invalid: a wrong primitive.
// @ts-expect-error total_count is a number
export const stringCount: JobAttributes = { status: "queued", created_at: "t", total_count: "10" };
// @ts-expect-error pointer is a string
export const numberPointer: ErrorSource = { pointer: 1 };

type JobAttributes = PostCatalogItemCreateJobResponse["data"]["attributes"];
