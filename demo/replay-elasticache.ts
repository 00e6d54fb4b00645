/**
 * The demo estate's ElastiCache and Redshift pages for one account and region: DescribeCacheClusters
 * (with each cluster's ListTagsForResource, part: its id) and Redshift's DescribeClusters (MaxRecords
 * 100, Marker; tags inline), as their collectors ask them.
 */
import type { CacheCluster, RedshiftCluster } from "./estate.js";
import { hexOf, isoOf, type PageWriter, paginate, type ScopeOf, tagList } from "./replay-pages.js";

export async function writeElastiCachePages(
  writer: PageWriter,
  scope: ScopeOf,
  clusters: CacheCluster[],
  size: (apiMaximum: number) => number,
): Promise<void> {
  await writer.page(
    scope("elasticache", "DescribeCacheClusters"),
    paginate(clusters.map(cacheClusterJson), size(100), (CacheClusters, Marker) => ({
      CacheClusters,
      ...(Marker ? { Marker } : {}),
    })),
  );
  for (const c of clusters) {
    await writer.page(scope("elasticache", "ListTagsForResource", c.name), [{ TagList: tagList(c.tags) }]);
  }
}

export async function writeRedshiftPages(
  writer: PageWriter,
  scope: ScopeOf,
  clusters: RedshiftCluster[],
  vpcId: string,
  size: (apiMaximum: number) => number,
): Promise<void> {
  await writer.page(
    scope("redshift", "DescribeClusters"),
    paginate(
      clusters.map((c) => redshiftJson(c, vpcId)),
      size(100),
      (Clusters, Marker) => ({ Clusters, ...(Marker ? { Marker } : {}) }),
    ),
  );
}

const zoneOf = (c: { arn: string; region: string }) =>
  `${c.region}${"abc"[Number.parseInt(hexOf(`${c.arn}|az`, 2), 16) % 3]}`;

function cacheClusterJson(c: CacheCluster): object {
  const memcached = c.engine === "memcached";
  const host = `${c.name}.${hexOf(`${c.account}|${c.region}|cache`, 6)}`;
  return {
    CacheClusterId: c.name,
    ...(memcached
      ? {
          ConfigurationEndpoint: {
            Address: `${host}.cfg.${shortRegion(c.region)}.cache.amazonaws.com`,
            Port: 11211,
          },
        }
      : {}),
    ClientDownloadLandingPage: "https://console.aws.amazon.com/elasticache/home#client-download:",
    CacheNodeType: c.cacheNodeType,
    Engine: c.engine,
    EngineVersion: c.engineVersion,
    CacheClusterStatus: "available",
    NumCacheNodes: c.numCacheNodes,
    PreferredAvailabilityZone: memcached && c.numCacheNodes > 1 ? "Multiple" : zoneOf(c),
    CacheClusterCreateTime: isoOf(c.createdAt),
    PreferredMaintenanceWindow: "sun:06:00-sun:07:00",
    CacheSecurityGroups: [],
    CacheParameterGroup: {
      CacheParameterGroupName: memcached ? "default.memcached1.6" : "default.redis7",
      ParameterApplyStatus: "in-sync",
      CacheNodeIdsToReboot: [],
    },
    CacheSubnetGroupName: `${c.tags.team ?? "shared"}-cache-subnets`,
    AutoMinorVersionUpgrade: true,
    SecurityGroups: [{ SecurityGroupId: `sg-0${hexOf(`${c.arn}|sg`, 16)}`, Status: "active" }],
    SnapshotRetentionLimit: memcached ? 0 : 1,
    ...(memcached ? {} : { SnapshotWindow: "04:00-05:00" }),
    AuthTokenEnabled: false,
    TransitEncryptionEnabled: false,
    AtRestEncryptionEnabled: false,
    ARN: c.arn,
    ReplicationGroupLogDeliveryEnabled: false,
    LogDeliveryConfigurations: [],
    NetworkType: "ipv4",
    IpDiscovery: "ipv4",
  };
}

const shortRegion = (region: string) => (region === "us-east-1" ? "use1" : "euw1");

function redshiftJson(c: RedshiftCluster, vpcId: string): object {
  return {
    ClusterIdentifier: c.name,
    NodeType: c.nodeType,
    ClusterStatus: "available",
    ClusterAvailabilityStatus: "Available",
    MasterUsername: "northwind_admin",
    DBName: "analytics",
    Endpoint: {
      Address: `${c.name}.c${hexOf(`${c.account}|${c.region}|redshift`, 11)}.${c.region}.redshift.amazonaws.com`,
      Port: 5439,
    },
    ClusterCreateTime: isoOf(c.createdAt),
    AutomatedSnapshotRetentionPeriod: 1,
    ManualSnapshotRetentionPeriod: -1,
    ClusterSecurityGroups: [],
    VpcSecurityGroups: [{ VpcSecurityGroupId: `sg-0${hexOf(`${c.arn}|sg`, 16)}`, Status: "active" }],
    ClusterParameterGroups: [{ ParameterGroupName: "default.redshift-1.0", ParameterApplyStatus: "in-sync" }],
    ClusterSubnetGroupName: "analytics-subnets",
    VpcId: vpcId,
    AvailabilityZone: zoneOf(c),
    PreferredMaintenanceWindow: "sat:07:00-sat:07:30",
    PendingModifiedValues: {},
    ClusterVersion: "1.0",
    AllowVersionUpgrade: true,
    NumberOfNodes: c.numberOfNodes,
    PubliclyAccessible: false,
    Encrypted: true,
    Tags: tagList(c.tags),
    EnhancedVpcRouting: false,
    MaintenanceTrackName: "current",
    ClusterNamespaceArn: `arn:aws:redshift:${c.region}:${c.account}:namespace:${uuidOf(c.arn)}`,
    TotalStorageCapacityInMegaBytes: c.nodeType.startsWith("ra3")
      ? 32_768_000 * c.numberOfNodes
      : 160_000 * c.numberOfNodes,
    AquaConfiguration: { AquaStatus: "disabled", AquaConfigurationStatus: "auto" },
    MultiAZ: "Disabled",
  };
}

function uuidOf(key: string): string {
  const h = hexOf(`${key}|uuid`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}
