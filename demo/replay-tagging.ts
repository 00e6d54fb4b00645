/**
 * The demo estate's Resource Groups Tagging API pages: GetResources of one account and region, every
 * tagged resource that exists at the replay's instant with its ARN and tags.
 */
import { allResources, type Estate, existsAt, type Resource } from "./estate.js";
import { type PageWriter, paginate, type ScopeOf, tagList } from "./replay-pages.js";

/** Writes GetResources of one account and region; returns how many resource-tag mappings it holds. */
export async function writeTaggingPages(
  writer: PageWriter,
  scope: ScopeOf,
  estate: Estate,
  where: { account: string; region: string; at: number },
  size: (apiMaximum: number) => number,
): Promise<number> {
  const tagged = allResources(estate).filter(
    (r) =>
      r.account === where.account &&
      taggingRegion(r) === where.region &&
      Object.keys(r.tags).length > 0 &&
      existsAt(r, where.at),
  );
  await writer.page(
    scope("tagging", "GetResources"),
    paginate(
      tagged.map((r) => ({ ResourceARN: r.arn, Tags: tagList(r.tags) })),
      size(100),
      (ResourceTagMappingList, PaginationToken) => ({
        PaginationToken: PaginationToken ?? "",
        ResourceTagMappingList,
      }),
    ),
  );
  return tagged.length;
}

/** The region whose Tagging API lists a resource: Route 53 (global) answers in us-east-1. */
function taggingRegion(resource: Resource): string {
  return resource.region === "global" ? "us-east-1" : resource.region;
}
