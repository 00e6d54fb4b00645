/**
 * The demo estate's load balancer pages for one account and region: Elastic Load Balancing v2's
 * DescribeLoadBalancers and DescribeTargetGroups (PageSize 400, NextMarker), DescribeTargetHealth of
 * each target group that a load balancer uses (part: its name, one page), and the classic API's
 * DescribeLoadBalancers (service "elb"), with each API's DescribeTags of 20 load balancers a call
 * (part: the batch's index, "0000" first), as the load-balancer collectors ask them.
 */
import type { LoadBalancer, TargetGroup } from "./estate.js";
import { chunks, hexOf, isoOf, type PageWriter, paginate, type ScopeOf, tagList } from "./replay-pages.js";

export async function writeElbPages(
  writer: PageWriter,
  scope: ScopeOf,
  loadBalancers: LoadBalancer[],
  vpcId: string,
  size: (apiMaximum: number) => number,
): Promise<void> {
  const v2 = loadBalancers.filter((lb) => lb.kind !== "classic");
  const classic = loadBalancers.filter((lb) => lb.kind === "classic");
  await writer.page(
    scope("elbv2", "DescribeLoadBalancers"),
    paginate(
      v2.map((lb) => v2Json(lb, vpcId)),
      size(400),
      (LoadBalancers, NextMarker) => ({ LoadBalancers, ...(NextMarker ? { NextMarker } : {}) }),
    ),
  );
  const groups = v2.flatMap((lb) => lb.targetGroups.map((tg) => ({ lb, tg })));
  await writer.page(
    scope("elbv2", "DescribeTargetGroups"),
    paginate(
      groups.map(({ lb, tg }) => targetGroupJson(lb, tg, vpcId)),
      size(400),
      (TargetGroups, NextMarker) => ({ TargetGroups, ...(NextMarker ? { NextMarker } : {}) }),
    ),
  );
  for (const { lb, tg } of groups) {
    await writer.page(scope("elbv2", "DescribeTargetHealth", tg.name), [
      {
        TargetHealthDescriptions: tg.targets.map((id) => ({
          Target: { Id: id, Port: tg.port, AvailabilityZone: zoneOf(lb, id) },
          HealthCheckPort: String(tg.port),
          TargetHealth: { State: "healthy" },
        })),
      },
    ]);
  }
  // Tags: 20 load balancers a DescribeTags call, in the order they were listed (part: the batch's index).
  for (const [i, batch] of chunks(v2, TAGS_PER_CALL).entries()) {
    if (batch.length === 0) break;
    await writer.page(scope("elbv2", "DescribeTags", String(i).padStart(4, "0")), [
      { TagDescriptions: batch.map((lb) => ({ ResourceArn: lb.arn, Tags: tagList(lb.tags) })) },
    ]);
  }
  await writer.page(
    scope("elb", "DescribeLoadBalancers"),
    paginate(
      classic.map((lb) => classicJson(lb, vpcId)),
      size(400),
      (LoadBalancerDescriptions, NextMarker) => ({
        LoadBalancerDescriptions,
        ...(NextMarker ? { NextMarker } : {}),
      }),
    ),
  );
  for (const [i, batch] of chunks(classic, TAGS_PER_CALL).entries()) {
    if (batch.length === 0) break;
    await writer.page(scope("elb", "DescribeTags", String(i).padStart(4, "0")), [
      { TagDescriptions: batch.map((lb) => ({ LoadBalancerName: lb.name, Tags: tagList(lb.tags) })) },
    ]);
  }
}

/** Load balancers one DescribeTags call names (both APIs' limit). */
const TAGS_PER_CALL = 20;

const zones = (lb: LoadBalancer) => ["a", "b"].map((z) => `${lb.region}${z}`);
const zoneOf = (lb: LoadBalancer, target: string) =>
  `${lb.region}${"ab"[Number.parseInt(hexOf(`${lb.arn}|${target}`, 2), 16) % 2]}`;
const subnetOf = (lb: LoadBalancer, zone: string) => `subnet-0${hexOf(`${lb.account}|${zone}|subnet`, 16)}`;

function v2Json(lb: LoadBalancer, vpcId: string): object {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: lb.kind === "application" ? "Z35SXDOTRQ7X7K" : "Z26RNL4JYFTOTI",
    CreatedTime: isoOf(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: "internet-facing",
    VpcId: vpcId,
    State: { Code: "active" },
    Type: lb.kind,
    AvailabilityZones: zones(lb).map((ZoneName) => ({ ZoneName, SubnetId: subnetOf(lb, ZoneName) })),
    ...(lb.kind === "application" ? { SecurityGroups: [`sg-0${hexOf(`${lb.arn}|sg`, 16)}`] } : {}),
    IpAddressType: "ipv4",
  };
}

function targetGroupJson(lb: LoadBalancer, tg: TargetGroup, vpcId: string): object {
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: vpcId,
    HealthCheckProtocol: tg.protocol,
    HealthCheckPort: "traffic-port",
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: 30,
    HealthCheckTimeoutSeconds: tg.protocol === "TCP" ? 10 : 5,
    HealthyThresholdCount: 5,
    UnhealthyThresholdCount: 2,
    ...(tg.protocol === "TCP" ? {} : { HealthCheckPath: "/healthz", Matcher: { HttpCode: "200" } }),
    LoadBalancerArns: [lb.arn],
    TargetType: tg.targetType,
    ProtocolVersion: tg.protocol === "TCP" ? undefined : "HTTP1",
    IpAddressType: "ipv4",
  };
}

function classicJson(lb: LoadBalancer, vpcId: string): object {
  return {
    LoadBalancerName: lb.name,
    DNSName: lb.dnsName,
    CanonicalHostedZoneName: lb.dnsName,
    CanonicalHostedZoneNameID: "Z35SXDOTRQ7X7K",
    ListenerDescriptions: [
      {
        Listener: { Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 8080 },
        PolicyNames: [],
      },
    ],
    Policies: { AppCookieStickinessPolicies: [], LBCookieStickinessPolicies: [], OtherPolicies: [] },
    BackendServerDescriptions: [],
    AvailabilityZones: zones(lb),
    Subnets: zones(lb).map((z) => subnetOf(lb, z)),
    VPCId: vpcId,
    Instances: lb.classicInstances.map((InstanceId) => ({ InstanceId })),
    HealthCheck: {
      Target: "HTTP:8080/healthz",
      Interval: 30,
      Timeout: 5,
      UnhealthyThreshold: 2,
      HealthyThreshold: 10,
    },
    SourceSecurityGroup: { OwnerAlias: lb.account, GroupName: `${lb.name}-elb` },
    SecurityGroups: [`sg-0${hexOf(`${lb.arn}|sg`, 16)}`],
    CreatedTime: isoOf(lb.createdAt),
    Scheme: "internet-facing",
  };
}
