import { HOURS_PER_MONTH, type ResourceDescriptor } from "./types.js";

/** Price List operatingSystem values for the platforms EC2 reports. */
const OPERATING_SYSTEMS: Record<string, string> = {
  "Linux/UNIX": "Linux",
  Windows: "Windows",
  "Red Hat Enterprise Linux": "RHEL",
  "SUSE Linux": "SUSE",
};

export const ec2Instance: ResourceDescriptor = {
  type: "ec2:instance",
  displayName: { one: "EC2 instance", many: "EC2 instances" },
  id: { pattern: /^i-[0-9a-f]{8,17}$/, example: "i-0123456789abcdef0" },
  arn: { service: "ec2", arnType: "instance", scope: "regional" },
  price: {
    // Instance type, platform and purchase option in a region.
    keyParts: [
      "json_extract_string(r.attributes, '$.instanceType')",
      "coalesce(json_extract_string(r.attributes, '$.platform'), 'Linux/UNIX')",
      "coalesce(json_extract_string(r.attributes, '$.lifecycle'), 'on-demand')",
    ],
    unit: "hours",
    // A stopped instance bills no compute (its volumes bill under their own ids).
    monthlyQuantity: `CASE WHEN r.state IN ('running', 'pending') THEN ${HOURS_PER_MONTH} ELSE 0 END`,
    priceListQuery(region, [instanceType, platform, lifecycle]) {
      const operatingSystem = OPERATING_SYSTEMS[platform ?? ""];
      // Spot prices change by the minute and are not in the Price List.
      if (!instanceType || !operatingSystem || lifecycle === "spot") return null;
      return {
        serviceCode: "AmazonEC2",
        filters: {
          regionCode: region,
          instanceType,
          operatingSystem,
          tenancy: "Shared",
          preInstalledSw: "NA",
          capacitystatus: "Used",
          licenseModel: operatingSystem === "Windows" ? "License Included" : "No License required",
        },
        unit: "Hrs",
      };
    },
  },
  attributes: {
    instanceType: "VARCHAR",
    kubernetes: { cluster: "VARCHAR", nodegroup: "VARCHAR", nodepool: "VARCHAR" },
    volumeIds: ["VARCHAR"],
    /** The AMI it was launched from (an image in use is no unused-ami finding). */
    imageId: "VARCHAR",
  },
  metrics: {
    namespace: "AWS/EC2",
    dimension: "InstanceId",
    metrics: [
      { metric: "CPUUtilization", stat: "Average" },
      { metric: "CPUUtilization", stat: "Maximum" },
      { metric: "NetworkIn", stat: "Sum" },
      { metric: "NetworkOut", stat: "Sum" },
    ],
  },
  consoleUrl: (region, id) =>
    `https://console.aws.amazon.com/ec2/home?region=${encodeURIComponent(region)}#InstanceDetails:instanceId=${encodeURIComponent(id)}`,
};
