import {
  GetResourcesCommand,
  type GetResourcesCommandOutput,
  ResourceGroupsTaggingAPIClient,
} from "@aws-sdk/client-resource-groups-tagging-api";
import { clientFor } from "../../aws/clients.js";
import { arnMatches, canonicalArn, parseArn } from "../../resources/arn.js";
import { RESOURCE_DESCRIPTORS } from "../../resources/index.js";
import { type InventoryCollector, type ResourceRecord, tagObject } from "./resource.js";

/**
 * Every resource the Resource Groups Tagging API reports in the region (tagged, or tagged once), of
 * any type: the inventory of what has no collector of its own, and the tags of what has one.
 */
export const taggingResources: InventoryCollector = {
  name: "inventory:tagging",
  scope: "regional",
  iamActions: ["tag:GetResources"],
  async collect(scope) {
    const client = clientFor(ResourceGroupsTaggingAPIClient, scope);
    const records: ResourceRecord[] = [];
    try {
      const pages = scope.pages.pages<GetResourcesCommandOutput>(
        { account: scope.account, region: scope.region, service: "tagging", operation: "GetResources" },
        async (token) => {
          const page = await client.send(
            new GetResourcesCommand({ ResourcesPerPage: 100, PaginationToken: token }),
          );
          return { page, next: page.PaginationToken };
        },
      );
      for await (const page of pages) {
        for (const mapping of page.ResourceTagMappingList ?? []) {
          if (!mapping.ResourceARN) continue;
          const resource = resourceFromArn(mapping.ResourceARN);
          if (!resource) continue;
          records.push({
            resourceId: resource.resourceId,
            resourceType: resource.resourceType,
            account: resource.account || scope.account,
            region: resource.region || scope.region,
            state: null,
            stateSince: null,
            createdAt: null,
            tags: tagObject(mapping.Tags),
            attributes: { arn: mapping.ResourceARN },
          });
        }
      }
    } finally {
      client.destroy();
    }
    return records;
  },
};

/** The type of the resources of services whose ARNs have none. */
const UNTYPED_SERVICES: Record<string, string> = { s3: "bucket", sqs: "queue", sns: "topic" };

/**
 * The contract's resourceType and resourceId of a Tagging API ARN: `service:type` as in the ARN, with
 * the types that have descriptors (and collectors) of their own (resources/: EC2's, S3 buckets) named
 * and identified as those collectors do (i-..., vol-..., snap-..., eipalloc-..., nat-..., the bucket
 * name), so that the two views of one resource share one id; anything else is identified by its ARN.
 */
export function resourceFromArn(
  arn: string,
): { resourceType: string; resourceId: string; account: string; region: string } | null {
  const parsed = parseArn(canonicalArn(arn));
  if (!parsed) return null;
  const service = parsed.service.toLowerCase();
  const { account, region } = parsed;
  const described = RESOURCE_DESCRIPTORS.find((d) => arnMatches(d.arn, parsed));
  if (described) {
    const resourceId = described.arn.idIsArn ? canonicalArn(arn) : parsed.id;
    return { resourceType: described.type, resourceId, account, region };
  }
  const type = parsed.type ?? UNTYPED_SERVICES[service];
  return { resourceType: type ? `${service}:${type}` : service, resourceId: arn, account, region };
}
