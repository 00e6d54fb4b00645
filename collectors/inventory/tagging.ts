import {
  GetResourcesCommand,
  type GetResourcesCommandOutput,
  ResourceGroupsTaggingAPIClient,
} from "@aws-sdk/client-resource-groups-tagging-api";
import { clientFor } from "../../aws/clients.js";
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

/** The parts of an ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (region and account may be empty). */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** What comes before the first "/" or ":" of RESOURCE; undefined when RESOURCE is a bare id. */
  type: string | undefined;
  id: string;
}

export function parseArn(arn: string): ParsedArn | null {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return null;
  const [, partition = "", service = "", region = "", account = ""] = parts;
  // API Gateway's RESOURCE is a path: "/restapis/ID".
  const resource = parts.slice(5).join(":").replace(/^\//, "");
  if (!service || !resource) return null;
  const separator = untyped(service.toLowerCase(), account) ? -1 : resource.search(/[/:]/);
  return separator > 0
    ? {
        partition,
        service,
        region,
        account,
        type: resource.slice(0, separator),
        id: resource.slice(separator + 1),
      }
    : { partition, service, region, account, type: undefined, id: resource };
}

/**
 * SNS topics, SQS queues and S3 buckets (the S3 ARNs with no account: access points have one) are named
 * with no type: "topic:subscription" or a bucket "name:x" is no type and id.
 */
function untyped(service: string, account: string): boolean {
  return service === "sns" || service === "sqs" || (service === "s3" && !account);
}

/** The type of the resources of services whose ARNs have none. */
const UNTYPED_SERVICES: Record<string, string> = { s3: "bucket", sqs: "queue", sns: "topic" };

/** EC2 ARN types with a collector of their own: the contract's type names, keyed by their bare ids. */
const EC2_TYPES: Record<string, string> = {
  instance: "ec2:instance",
  volume: "ec2:volume",
  snapshot: "ec2:snapshot",
  "elastic-ip": "ec2:elastic-ip",
  natgateway: "ec2:nat-gateway",
};

/**
 * The contract's resourceType and resourceId of a Tagging API ARN: `service:type` as in the ARN, with
 * the EC2 types and S3 buckets that have collectors of their own named and identified as those
 * collectors do (i-..., vol-..., snap-..., eipalloc-..., nat-..., the bucket name), so that the two
 * views of one resource share one id; anything else is identified by its full ARN.
 */
export function resourceFromArn(
  arn: string,
): { resourceType: string; resourceId: string; account: string; region: string } | null {
  const parsed = parseArn(arn);
  if (!parsed) return null;
  const service = parsed.service.toLowerCase();
  const { account, region } = parsed;
  if (service === "ec2" && parsed.type) {
    const ec2Type = EC2_TYPES[parsed.type];
    if (ec2Type) return { resourceType: ec2Type, resourceId: parsed.id, account, region };
  }
  if (service === "s3" && !parsed.type) {
    return { resourceType: "s3:bucket", resourceId: parsed.id, account, region };
  }
  const type = parsed.type ?? UNTYPED_SERVICES[service];
  return { resourceType: type ? `${service}:${type}` : service, resourceId: arn, account, region };
}
