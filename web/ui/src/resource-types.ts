/**
 * What the page says of each resource type: its display name, one and many. One place for every type
 * the page names (a later step reads them from the resources/ descriptors); an unknown type shows as
 * its own name.
 */
export const RESOURCE_TYPE_NAMES: Readonly<Record<string, { one: string; many: string }>> = {
  "ec2:instance": { one: "EC2 instance", many: "EC2 instances" },
  "ec2:volume": { one: "EBS volume", many: "EBS volumes" },
  "ec2:snapshot": { one: "EBS snapshot", many: "EBS snapshots" },
  "ec2:elastic-ip": { one: "Elastic IP", many: "Elastic IPs" },
  "ec2:nat-gateway": { one: "NAT gateway", many: "NAT gateways" },
  "s3:bucket": { one: "S3 bucket", many: "S3 buckets" },
};

/** "EC2 instance" / "EC2 instances" for count, or "TYPE resource(s)" for a type not listed. */
export function typeName(type: string, count: number): string {
  const names = RESOURCE_TYPE_NAMES[type];
  if (names) return count === 1 ? names.one : names.many;
  return `${type} ${count === 1 ? "resource" : "resources"}`;
}
