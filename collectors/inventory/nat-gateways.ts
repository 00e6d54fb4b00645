import {
  DescribeNatGatewaysCommand,
  type DescribeNatGatewaysCommandOutput,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { clientFor } from "../../aws/clients.js";
import { natGateway } from "../../resources/nat-gateway.js";
import { type InventoryCollector, iso, type ResourceRecord, tagObject } from "./resource.js";

export const natGateways: InventoryCollector = {
  name: "inventory:nat-gateways",
  resource: natGateway,
  scope: "regional",
  iamActions: ["ec2:DescribeNatGateways"],
  async collect(scope) {
    const client = clientFor(EC2Client, scope);
    const records: ResourceRecord[] = [];
    try {
      const pages = scope.pages.pages<DescribeNatGatewaysCommandOutput>(
        { account: scope.account, region: scope.region, service: "ec2", operation: "DescribeNatGateways" },
        async (token) => {
          const page = await client.send(
            new DescribeNatGatewaysCommand({ MaxResults: 1000, NextToken: token }),
          );
          return { page, next: page.NextToken };
        },
      );
      for await (const page of pages) {
        for (const gateway of page.NatGateways ?? []) {
          if (!gateway.NatGatewayId || gateway.State === "deleted") continue;
          records.push({
            resourceId: gateway.NatGatewayId,
            resourceType: natGateway.type,
            account: scope.account,
            region: scope.region,
            state: gateway.State ?? null,
            stateSince: null,
            createdAt: iso(gateway.CreateTime),
            tags: tagObject(gateway.Tags),
            attributes: {
              vpcId: gateway.VpcId ?? null,
              subnetId: gateway.SubnetId ?? null,
              connectivityType: gateway.ConnectivityType ?? null,
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
