/**
 * The demo estate's EKS pages for one account and region: ListClusters (maxResults 100, nextToken),
 * and for each cluster DescribeCluster and ListNodegroups (part: its name), and DescribeNodegroup of
 * each managed node group (part: "cluster/nodegroup"), as the eks-clusters collector asks them.
 */
import type { EksCluster, NodeGroup } from "./estate.js";
import { compare, hexOf, isoOf, type PageWriter, paginate, type ScopeOf } from "./replay-pages.js";

export async function writeEksPages(
  writer: PageWriter,
  scope: ScopeOf,
  clusters: EksCluster[],
  vpcId: string,
  size: (apiMaximum: number) => number,
): Promise<void> {
  const sorted = [...clusters].sort((a, b) => compare(a.name, b.name));
  await writer.page(
    scope("eks", "ListClusters"),
    paginate(
      sorted.map((c) => c.name),
      size(100),
      (names, nextToken) => ({ clusters: names, ...(nextToken ? { nextToken } : {}) }),
    ),
  );
  for (const c of sorted) {
    await writer.page(scope("eks", "DescribeCluster", c.name), [{ cluster: clusterJson(c, vpcId) }]);
    await writer.page(
      scope("eks", "ListNodegroups", c.name),
      paginate(
        c.nodegroups.map((g) => g.name),
        size(100),
        (nodegroups, nextToken) => ({ nodegroups, ...(nextToken ? { nextToken } : {}) }),
      ),
    );
    for (const g of c.nodegroups) {
      await writer.page(scope("eks", "DescribeNodegroup", `${c.name}/${g.name}`), [
        { nodegroup: nodegroupJson(c, g) },
      ]);
    }
  }
}

const subnets = (c: EksCluster) =>
  ["a", "b", "c"].map((z) => `subnet-0${hexOf(`${c.account}|${c.region}${z}|subnet`, 16)}`);

function clusterJson(c: EksCluster, vpcId: string): object {
  return {
    name: c.name,
    arn: c.arn,
    createdAt: isoOf(c.createdAt),
    version: c.version,
    endpoint: `https://${hexOf(`${c.arn}|endpoint`, 32).toUpperCase()}.gr7.${c.region}.eks.amazonaws.com`,
    roleArn: `arn:aws:iam::${c.account}:role/${c.name}-cluster`,
    resourcesVpcConfig: {
      subnetIds: subnets(c),
      securityGroupIds: [],
      clusterSecurityGroupId: `sg-0${hexOf(`${c.arn}|sg`, 16)}`,
      vpcId,
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ["0.0.0.0/0"],
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: "172.20.0.0/16", ipFamily: "ipv4" },
    logging: { clusterLogging: [{ types: ["api", "audit", "authenticator"], enabled: false }] },
    identity: {
      oidc: {
        issuer: `https://oidc.eks.${c.region}.amazonaws.com/id/${hexOf(`${c.arn}|oidc`, 32).toUpperCase()}`,
      },
    },
    status: "ACTIVE",
    certificateAuthority: { data: Buffer.from(`demo-ca-${c.arn}`).toString("base64") },
    platformVersion: "eks.8",
    tags: c.tags,
    accessConfig: { authenticationMode: "API_AND_CONFIG_MAP" },
  };
}

function nodegroupJson(c: EksCluster, g: NodeGroup): object {
  const id = hexOf(`${c.arn}|${g.name}|ng`, 32);
  const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
  return {
    nodegroupName: g.name,
    nodegroupArn: `arn:aws:eks:${c.region}:${c.account}:nodegroup/${c.name}/${g.name}/${uuid}`,
    clusterName: c.name,
    version: c.version,
    releaseVersion: `${c.version}.0-20240904`,
    createdAt: isoOf(g.createdAt),
    modifiedAt: isoOf(g.createdAt),
    status: "ACTIVE",
    capacityType: "ON_DEMAND",
    scalingConfig: { minSize: 0, maxSize: Math.max(3, g.desiredSize * 2), desiredSize: g.desiredSize },
    instanceTypes: [g.instanceType],
    subnets: subnets(c),
    amiType: "AL2_x86_64",
    nodeRole: `arn:aws:iam::${c.account}:role/${c.name}-node`,
    labels: { pool: g.name },
    resources: { autoScalingGroups: [{ name: `eks-${g.name}-${uuid}` }] },
    diskSize: 80,
    health: { issues: [] },
    updateConfig: { maxUnavailable: 1 },
    tags: c.tags,
  };
}
