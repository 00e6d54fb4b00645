/**
 * The demo estate's EC2 pages: DescribeInstances, DescribeVolumes, DescribeSnapshots, DescribeAddresses
 * and DescribeNatGateways of one account and region, as of the replay's instant, and the account's
 * DescribeRegions (DescribeImages and the launch templates: replay-images.ts). States come from the lifecycle helpers; what AWS has but the estate does
 * not model (reservation ids, private IPs, network interfaces) is hashed from the record's id.
 */

import { privateDnsName, privateIp } from "./aws-ids.js";
import type { ElasticIp, Estate, Instance, NatGateway, Snapshot, Volume } from "./estate.js";
import { addressAssociatedAt, DAY_MS, HOUR_MS, instanceStateAt, volumeStateAt } from "./estate.js";
import {
  compare,
  hexOf,
  isoMs,
  isoOf,
  type PageWriter,
  paginate,
  type ScopeOf,
  tagsMember,
} from "./replay-pages.js";

/** One account and region's EC2 records that exist at the replay's instant. */
export interface Ec2Records {
  instances: Instance[];
  volumes: Volume[];
  snapshots: Snapshot[];
  addresses: ElasticIp[];
  gateways: NatGateway[];
}

/**
 * Writes the EC2 Describe calls of one account and region, each paginated at `size(the API's maximum)`
 * (DescribeAddresses has no pages: every address in one answer).
 */
export async function writeEc2Pages(
  writer: PageWriter,
  scope: ScopeOf,
  view: Ec2View,
  records: Ec2Records,
  size: (apiMaximum: number) => number,
): Promise<void> {
  const { instances, volumes, snapshots, addresses, gateways } = records;

  await writer.page(
    scope("ec2", "DescribeInstances"),
    paginate(
      instances.map((i) => view.reservation(i)),
      size(1000),
      (Reservations, NextToken) => ({ Reservations, ...(NextToken ? { NextToken } : {}) }),
    ),
  );
  await writer.page(
    scope("ec2", "DescribeVolumes"),
    paginate(
      volumes.map((v) => view.volume(v)),
      size(500),
      (Volumes, NextToken) => ({
        Volumes,
        ...(NextToken ? { NextToken } : {}),
      }),
    ),
  );
  await writer.page(
    scope("ec2", "DescribeSnapshots"),
    paginate(snapshots.map(snapshotJson), size(1000), (Snapshots, NextToken) => ({
      Snapshots,
      ...(NextToken ? { NextToken } : {}),
    })),
  );
  // DescribeAddresses has no pages: every address in one answer.
  await writer.page(scope("ec2", "DescribeAddresses"), [
    { Addresses: addresses.map((a) => view.address(a)) },
  ]);
  await writer.page(
    scope("ec2", "DescribeNatGateways"),
    paginate(
      gateways.map((g) => view.natGateway(g)),
      size(1000),
      (NatGateways, NextToken) => ({
        NatGateways,
        ...(NextToken ? { NextToken } : {}),
      }),
    ),
  );
}

const STATE_CODE = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** "2024-09-18 22:00:00", as in StateTransitionReason. */
const reasonTime = (ms: number) => isoMs(ms).slice(0, 19).replace("T", " ");

/** Graviton families (m7g, c7g, r6g, t4g, ...) are arm64. */
const architecture = (type: string) => (/^[a-z]+\d+g[a-z]*\./.test(type) ? "arm64" : "x86_64");

function publicDnsName(ip: string, region: string): string {
  const host = `ec2-${ip.replaceAll(".", "-")}`;
  return region === "us-east-1"
    ? `${host}.compute-1.amazonaws.com`
    : `${host}.${region}.compute.amazonaws.com`;
}

/** The estate's EC2 records at one instant, with the lookups their pages need. */
export class Ec2View {
  private readonly instances = new Map<string, Instance>();
  private readonly attached = new Map<string, Volume[]>();
  private readonly addressOf = new Map<string, ElasticIp>();
  private readonly addressById = new Map<string, ElasticIp>();

  constructor(
    private readonly estate: Estate,
    readonly at: number,
  ) {
    for (const instance of estate.instances) this.instances.set(instance.id, instance);
    for (const volume of estate.volumes) {
      if (volumeStateAt(volume, at) !== "in-use" || !volume.attachment) continue;
      const list = this.attached.get(volume.attachment.instanceId) ?? [];
      list.push(volume);
      this.attached.set(volume.attachment.instanceId, list);
    }
    for (const address of estate.elasticIps) {
      this.addressById.set(address.id, address);
      if (address.association?.instanceId && addressAssociatedAt(address, at)) {
        this.addressOf.set(address.association.instanceId, address);
      }
    }
  }

  /** When the instance last started and (if it is stopped) last stopped, as of the instant. */
  private transitions(i: Instance): { lastStart: number; lastStop: number | null } {
    const created = Date.parse(i.createdAt);
    if (i.stoppedAt !== null && Date.parse(i.stoppedAt) <= this.at) {
      return { lastStart: created, lastStop: Date.parse(i.stoppedAt) };
    }
    if (i.schedule === "always") return { lastStart: created, lastStop: null };
    // Weekdays 08:00-20:00 UTC: look back day by day for the last run.
    const today = Math.floor(this.at / DAY_MS) * DAY_MS;
    for (let day = today; day >= today - 14 * DAY_MS && day + 20 * HOUR_MS > created; day -= DAY_MS) {
      const weekday = new Date(day).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      const start = Math.max(created, day + 8 * HOUR_MS);
      const stop = day + 20 * HOUR_MS;
      if (start > this.at) continue;
      return { lastStart: start, lastStop: this.at < stop ? null : stop };
    }
    // Launched outside its hours and stopped by the scheduler at once.
    return { lastStart: created, lastStop: created };
  }

  reservation(i: Instance): object {
    return {
      ReservationId: `r-0${hexOf(`${i.id}|reservation`, 16)}`,
      OwnerId: i.account,
      Groups: [],
      Instances: [this.instance(i)],
    };
  }

  instance(i: Instance): object {
    const state = instanceStateAt(i, this.at) ?? "running";
    const { lastStart, lastStop } = this.transitions(i);
    const stopped = state === "stopped";
    const ip = privateIp(i.id, i.kubernetes?.provisioner === "karpenter" ? i.name : undefined);
    const address = this.addressOf.get(i.id);
    const volumes = [...(this.attached.get(i.id) ?? [])].sort((a, b) =>
      compare(a.attachment?.device ?? "", b.attachment?.device ?? ""),
    );
    const root = volumes.find((v) => v.attachment?.device === "/dev/xvda");
    const ordered = root ? [root, ...volumes.filter((v) => v !== root)] : volumes;
    return {
      AmiLaunchIndex: 0,
      ImageId: i.imageId,
      InstanceId: i.id,
      InstanceType: i.instanceType,
      LaunchTime: isoMs(lastStart),
      Monitoring: { State: "disabled" },
      Placement: { AvailabilityZone: i.availabilityZone, GroupName: "", Tenancy: "default" },
      PrivateDnsName: privateDnsName(ip, i.region),
      PrivateIpAddress: ip,
      ProductCodes: [],
      PublicDnsName: address && !stopped ? publicDnsName(address.publicIp, i.region) : "",
      ...(address ? { PublicIpAddress: address.publicIp } : {}),
      State: { Code: STATE_CODE[state], Name: state },
      StateTransitionReason:
        stopped && lastStop !== null ? `User initiated (${reasonTime(lastStop)} GMT)` : "",
      SubnetId: i.subnetId,
      VpcId: i.vpcId,
      Architecture: architecture(i.instanceType),
      BlockDeviceMappings: ordered.map((v) => ({
        DeviceName: v.attachment?.device,
        Ebs: {
          AttachTime: isoOf(v.createdAt),
          DeleteOnTermination: v.attachment?.deleteOnTermination ?? false,
          Status: "attached",
          VolumeId: v.id,
        },
      })),
      ClientToken: "",
      EbsOptimized: true,
      EnaSupport: true,
      Hypervisor: "xen",
      ...(i.market === "spot"
        ? { InstanceLifecycle: "spot", SpotInstanceRequestId: `sir-${hexOf(`${i.id}|spot`, 8)}` }
        : {}),
      RootDeviceName: "/dev/xvda",
      RootDeviceType: "ebs",
      SourceDestCheck: true,
      ...(stopped
        ? {
            StateReason: {
              Code: "Client.UserInitiatedShutdown",
              Message: "Client.UserInitiatedShutdown: User initiated shutdown",
            },
          }
        : {}),
      ...tagsMember(i.tags),
      VirtualizationType: "hvm",
      PlatformDetails: i.platform,
      UsageOperation: "RunInstances",
      UsageOperationUpdateTime: isoOf(i.createdAt),
    };
  }

  volume(v: Volume): object {
    const inUse = volumeStateAt(v, this.at) === "in-use";
    const root = v.attachment?.device === "/dev/xvda";
    const instance = v.attachment ? this.instances.get(v.attachment.instanceId) : undefined;
    return {
      Attachments:
        inUse && v.attachment
          ? [
              {
                AttachTime: isoOf(v.createdAt),
                Device: v.attachment.device,
                InstanceId: v.attachment.instanceId,
                State: "attached",
                VolumeId: v.id,
                DeleteOnTermination: v.attachment.deleteOnTermination,
              },
            ]
          : [],
      AvailabilityZone: v.availabilityZone,
      CreateTime: isoOf(v.createdAt),
      Encrypted: v.account === this.estate.accounts[0]?.id,
      Size: v.sizeGb,
      // A root volume comes from its image's snapshot (owned by the image's owner, not listed here).
      SnapshotId: root && instance ? `snap-0${hexOf(`${instance.imageId}|snapshot`, 16)}` : "",
      State: volumeStateAt(v, this.at),
      VolumeId: v.id,
      ...(v.iops !== null && v.volumeType !== "st1" ? { Iops: v.iops } : {}),
      ...tagsMember(v.tags),
      VolumeType: v.volumeType,
      MultiAttachEnabled: false,
      ...(v.throughputMBps !== null && v.volumeType === "gp3" ? { Throughput: v.throughputMBps } : {}),
    };
  }

  address(a: ElasticIp): object {
    const associated = addressAssociatedAt(a, this.at);
    const instanceId = a.association?.instanceId ?? null;
    const natId = a.association?.natGatewayId ?? null;
    const target = instanceId ?? natId ?? a.id;
    return {
      AllocationId: a.id,
      ...(associated && a.association
        ? {
            AssociationId: a.association.associationId,
            ...(instanceId ? { InstanceId: instanceId } : {}),
            NetworkInterfaceId: `eni-0${hexOf(`${target}|eni`, 16)}`,
            NetworkInterfaceOwnerId: a.account,
            PrivateIpAddress: privateIp(target, this.hostnameOf(instanceId)),
          }
        : {}),
      Domain: "vpc",
      NetworkBorderGroup: a.region,
      PublicIp: a.publicIp,
      PublicIpv4Pool: "amazon",
      ...tagsMember(a.tags),
    };
  }

  private hostnameOf(instanceId: string | null): string | undefined {
    const instance = instanceId ? this.instances.get(instanceId) : undefined;
    return instance?.kubernetes?.provisioner === "karpenter" ? instance.name : undefined;
  }

  natGateway(n: NatGateway): object {
    const address = this.addressById.get(n.allocationId);
    return {
      CreateTime: isoOf(n.createdAt),
      NatGatewayAddresses: [
        {
          AllocationId: n.allocationId,
          NetworkInterfaceId: `eni-0${hexOf(`${n.id}|eni`, 16)}`,
          PrivateIp: privateIp(n.id),
          ...(address ? { PublicIp: address.publicIp } : {}),
          ...(address?.association ? { AssociationId: address.association.associationId } : {}),
          IsPrimary: true,
          Status: "succeeded",
        },
      ],
      NatGatewayId: n.id,
      State: "available",
      SubnetId: n.subnetId,
      VpcId: n.vpcId,
      ...tagsMember(n.tags),
      ConnectivityType: "public",
    };
  }
}

export function snapshotJson(s: Snapshot): object {
  return {
    Description: s.description,
    Encrypted: false,
    OwnerId: s.account,
    Progress: "100%",
    SnapshotId: s.id,
    StartTime: isoOf(s.createdAt),
    State: "completed",
    VolumeId: s.volumeId,
    VolumeSize: s.volumeSizeGb,
    StorageTier: "standard",
    ...tagsMember(s.tags),
  };
}

export function describeRegions(estate: Estate): object {
  return {
    Regions: estate.regions.map((r) => ({
      Endpoint: `ec2.${r}.amazonaws.com`,
      RegionName: r,
      OptInStatus: "opt-in-not-required",
    })),
  };
}
