import {
  DescribeAddressesCommand,
  type DescribeAddressesCommandOutput,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { clientFor } from "../../aws/clients.js";
import { elasticIp } from "../../resources/elastic-ip.js";
import { type InventoryCollector, type ResourceRecord, tagObject } from "./resource.js";

/** Elastic IPs: an unassociated one is billed by the hour for nothing. DescribeAddresses has no pages. */
export const elasticIps: InventoryCollector = {
  name: "inventory:elastic-ips",
  resource: elasticIp,
  scope: "regional",
  iamActions: ["ec2:DescribeAddresses"],
  async collect(scope) {
    const client = clientFor(EC2Client, scope);
    const records: ResourceRecord[] = [];
    try {
      const pages = scope.pages.pages<DescribeAddressesCommandOutput>(
        { account: scope.account, region: scope.region, service: "ec2", operation: "DescribeAddresses" },
        async () => ({ page: await client.send(new DescribeAddressesCommand({})) }),
      );
      for await (const page of pages) {
        for (const address of page.Addresses ?? []) {
          const id = address.AllocationId ?? address.PublicIp;
          if (!id) continue;
          const associated = Boolean(
            address.AssociationId || address.InstanceId || address.NetworkInterfaceId,
          );
          records.push({
            resourceId: id,
            resourceType: elasticIp.type,
            account: scope.account,
            region: scope.region,
            state: associated ? "associated" : "unassociated",
            stateSince: null,
            createdAt: null,
            tags: tagObject(address.Tags),
            attributes: {
              publicIp: address.PublicIp ?? null,
              associationId: address.AssociationId ?? null,
              instanceId: address.InstanceId ?? null,
              networkInterfaceId: address.NetworkInterfaceId ?? null,
              domain: address.Domain ?? null,
            },
          });
        }
      }
    } finally {
      client.destroy();
    }
    return records;
  },
};
