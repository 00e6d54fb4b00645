/**
 * The charges of one day of the demo estate: what each resource's usage that day costs, as FOCUS
 * charge records with money in integer units of 1e-10 (exact totals). Usage comes only from the
 * estate's records and the lifecycle helpers, so billing agrees with inventory and utilization.
 */

import { type CoveredToday, commitmentCharges, coveredUsage } from "./billing-commitments.js";
import { managedServiceCharges, RESOURCE_TYPE } from "./billing-managed.js";
import { SplitBiller, type SplitFields } from "./billing-split.js";
import {
  type Account,
  aliveHours,
  associatedHours,
  bucketSizeGb,
  DAY_MS,
  type Estate,
  type Instance,
  type LoadBalancer,
  logIngestedGb,
  logStoredGb,
  type Resource,
  runningHours,
} from "./estate.js";
import { dbMeters, instanceMeter, METERS, type Meter, SERVICES, type Service } from "./meters.js";
import { REGION_NAMES, regional, USAGE_PREFIX } from "./prices.js";
import { jitter } from "./random.js";

/** Who a charge is billed to: an account, and a resource when there is one. */
export interface Subject {
  account: Account;
  /** null for global services and account-level charges. */
  region: string | null;
  availabilityZone: string | null;
  resourceId: string | null;
  resourceName: string | null;
  resourceType: string | null;
  tags: Record<string, string> | null;
}

export interface Charge {
  subject: Subject;
  service: Service;
  /** The usage type with its region prefix; the SKU is derived from it. */
  usageType: string | null;
  description: string;
  category: "Usage" | "Purchase" | "Credit";
  frequency: "Usage-Based" | "Recurring" | "One-Time";
  pricingCategory: "Standard" | "Dynamic" | "Committed" | null;
  unit: string | null;
  quantity: number | null;
  listUnitPrice: number | null;
  /** Money in units of 1e-10 (integers, exact). */
  list: number;
  billed: number;
  effective: number;
  commitment: {
    id: string;
    name: string | null;
    type: "Savings Plan" | "Reserved Instance";
    category: "Spend" | "Usage";
    status: "Used" | "Unused" | null;
  } | null;
  /** On an EKS pod's split cost row only (billing-split.ts). */
  split?: SplitFields;
}

export type Emit = (charge: Charge) => void;

/** Money as integer units of 1e-10. */
export const toUnits = (amount: number) => Math.round(amount * 1e10);

/** A number as plain decimal text with at most `digits` decimals (never an exponent). */
export function plainDecimal(value: number, digits = 10): string {
  const text = value.toFixed(digits);
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

export interface Day {
  index: number;
  startMs: number;
  daysInMonth: number;
  weekend: boolean;
  firstOfMonth: boolean;
}

export function day(estate: Estate, index: number): Day {
  const startMs = Date.parse(`${estate.windowStart}T00:00:00Z`) + index * DAY_MS;
  const date = new Date(startMs);
  return {
    index,
    startMs,
    daysInMonth: new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate(),
    weekend: date.getUTCDay() === 0 || date.getUTCDay() === 6,
    firstOfMonth: date.getUTCDate() === 1,
  };
}

const LB_METERS: Record<LoadBalancer["kind"], [Meter, Meter]> = {
  application: [METERS.albHours, METERS.albLcu],
  network: [METERS.nlbHours, METERS.nlbLcu],
  classic: [METERS.clbHours, METERS.clbBytes],
};

/** Emits every charge of one day, in a stable order. */
export class DayBiller {
  private readonly subjects = new Map<Resource, Subject>();
  private readonly accountSubjects = new Map<string, Subject>();
  private readonly accounts: Map<string, Account>;
  private readonly split: SplitBiller;

  constructor(private readonly estate: Estate) {
    this.accounts = new Map(estate.accounts.map((a) => [a.id, a]));
    this.split = new SplitBiller(estate);
  }

  charges(d: Day, emit: Emit): void {
    const covered: CoveredToday = new Map();
    this.compute(d, covered, emit);
    this.storage(d, emit);
    this.network(d, emit);
    this.services(d, emit);
    commitmentCharges(
      this.estate,
      d,
      covered,
      (account, region, resource) => this.accountSubject(account, region, resource),
      emit,
    );
    this.credits(d, emit);
  }

  /** Instance hours (a Kubernetes node's with its pods' split rows); commitments' coverage goes to `covered`. */
  private compute(d: Day, covered: CoveredToday, emit: Emit): void {
    for (const i of this.estate.instances) {
      const charge = this.instance(i, d, covered);
      if (!charge) continue;
      emit(charge);
      if (i.kubernetes) this.split.charges(i, charge, emit);
    }
    for (const c of this.estate.eksClusters) {
      const hours = aliveHours(c, d.startMs);
      if (hours > 0) emit(this.use(c, METERS.eksCluster, hours));
    }
  }

  private instance(i: Instance, d: Day, covered: CoveredToday): Charge | null {
    const hours = runningHours(i, d.startMs);
    if (hours === 0) return null;
    const meter = instanceMeter(i.instanceType, i.market);
    const charge = this.use(i, meter, hours);
    const price = charge.listUnitPrice ?? 0;
    if (i.market === "spot") {
      const ratio = (i.spotPriceRatio ?? 0.35) * jitter(`${i.id}|spot|${d.index}`, 0.08);
      const spotPrice = Math.round(price * ratio * 1e4) / 1e4;
      const paid = toUnits((charge.quantity ?? 0) * spotPrice);
      const description = meter.describe(plainDecimal(spotPrice), REGION_NAMES[i.region] ?? i.region);
      return { ...charge, description, pricingCategory: "Dynamic", billed: paid, effective: paid };
    }
    return coveredUsage(this.estate, i, charge, covered);
  }

  private storage(d: Day, emit: Emit): void {
    const e = this.estate;
    const months = (hours: number) => hours / 24 / d.daysInMonth;
    for (const v of e.volumes) {
      const hours = aliveHours(v, d.startMs);
      if (hours === 0) continue;
      emit(this.use(v, METERS.volume[v.volumeType], v.sizeGb * months(hours)));
      if ((v.volumeType === "io1" || v.volumeType === "io2") && v.iops) {
        emit(this.use(v, METERS.volumeIops[v.volumeType], v.iops * months(hours)));
      }
    }
    for (const s of e.snapshots) {
      const hours = aliveHours(s, d.startMs);
      if (hours > 0) emit(this.use(s, METERS.snapshot, s.storedGb * months(hours)));
    }
    for (const b of e.buckets) {
      const hours = aliveHours(b, d.startMs);
      if (hours === 0) continue;
      const size = bucketSizeGb(b, d.index) * months(hours);
      emit(this.use(b, METERS.s3Standard, size * (1 - b.infrequentAccessShare)));
      if (b.infrequentAccessShare > 0)
        emit(this.use(b, METERS.s3InfrequentAccess, size * b.infrequentAccessShare));
      const share = (hours / 24) * (d.weekend ? 0.7 : 1.05);
      const puts = Math.round(b.requests.putPerDay * share * jitter(`${b.id}|put|${d.index}`, 0.25));
      const gets = Math.round(b.requests.getPerDay * share * jitter(`${b.id}|get|${d.index}`, 0.25));
      if (puts > 0) emit(this.use(b, METERS.s3Put, puts));
      if (gets > 0) emit(this.use(b, METERS.s3Get, gets));
    }
  }

  private network(d: Day, emit: Emit): void {
    const e = this.estate;
    const weekday = d.weekend ? 0.7 : 1.05;
    for (const a of e.elasticIps) {
      const hours = aliveHours(a, d.startMs);
      const inUse = associatedHours(a, d.startMs);
      if (inUse > 0) emit(this.use(a, METERS.addressInUse, inUse));
      if (hours - inUse > 0) emit(this.use(a, METERS.addressIdle, hours - inUse));
    }
    for (const n of e.natGateways) {
      const hours = aliveHours(n, d.startMs);
      if (hours === 0) continue;
      emit(this.use(n, METERS.natHours, hours));
      const bytes = n.traffic.bytesOutToDestinationPerDay + n.traffic.bytesInFromDestinationPerDay;
      emit(this.use(n, METERS.natBytes, ((bytes / 1e9) * jitter(`${n.id}|${d.index}`, 0.15) * hours) / 24));
    }
    for (const lb of e.loadBalancers) {
      const hours = aliveHours(lb, d.startMs);
      if (hours === 0) continue;
      const [hourly, capacity] = LB_METERS[lb.kind];
      emit(this.use(lb, hourly, hours));
      // Capacity units (a classic load balancer's processed GB) with the jitter its CloudWatch traffic shares.
      const lcu = lb.lcuPerHour * hours * weekday * jitter(`${lb.id}|${d.index}`, 0.2);
      if (lcu > 0) emit(this.use(lb, capacity, lcu));
    }
    for (const z of e.hostedZones) {
      if (aliveHours(z, d.startMs) === 0) continue;
      emit(this.use(z, METERS.hostedZone, 1 / d.daysInMonth));
      // Queries to private zones are free.
      const queries = Math.round(z.queriesPerDay * jitter(`${z.id}|${d.index}`, 0.2));
      if (!z.privateZone && queries > 0) emit(this.use(z, METERS.dnsQueries, queries));
    }
    for (const r of e.regionalUsage) {
      const subject = this.accountSubject(r.account, r.region);
      const vary = (kind: string) => weekday * jitter(`${r.account}|${r.region}|${kind}|${d.index}`, 0.2);
      for (const [meter, gb] of [
        [METERS.internetOut, r.internetOutGbPerDay],
        [METERS.interRegionOut, r.interRegionOutGbPerDay],
        [METERS.interAz, r.interAzGbPerDay],
      ] as const) {
        if (gb > 0) emit(this.charge(subject, meter, gb * vary(meter.usageType)));
      }
    }
  }

  private services(d: Day, emit: Emit): void {
    const e = this.estate;
    const weekday = d.weekend ? 0.7 : 1.05;
    for (const db of e.databases) {
      const hours = aliveHours(db, d.startMs);
      if (hours === 0) continue;
      const meters = dbMeters(db.instanceClass, db.multiAz, db.engine, db.storageType);
      emit(this.use(db, meters.hours, hours));
      emit(this.use(db, meters.storage, (db.allocatedStorageGb * hours) / 24 / d.daysInMonth));
    }
    for (const f of e.functions) {
      const invocations = Math.round(f.invocationsPerDay * weekday * jitter(`${f.id}|${d.index}`, 0.3));
      if (invocations === 0 || aliveHours(f, d.startMs) === 0) continue;
      emit(this.use(f, METERS.lambdaRequests, invocations));
      emit(this.use(f, METERS.lambdaCompute, (invocations * f.averageDurationMs * f.memoryMb) / 1000 / 1024));
    }
    for (const g of e.logGroups) {
      if (aliveHours(g, d.startMs) === 0) continue;
      // A group nobody writes to any more ingests nothing: no ingestion row.
      if (g.ingestGbPerDay > 0) emit(this.use(g, METERS.logsIngested, logIngestedGb(g, d.index)));
      emit(this.use(g, METERS.logsStored, logStoredGb(g, d.index) / d.daysInMonth));
    }
    for (const k of e.kmsKeys) {
      const hours = aliveHours(k, d.startMs);
      if (hours === 0) continue;
      emit(this.use(k, METERS.kmsKey, hours / 24 / d.daysInMonth));
      const requests = Math.round(k.requestsPerDay * weekday * jitter(`${k.id}|${d.index}`, 0.3));
      if (requests > 0) emit(this.use(k, METERS.kmsRequests, requests));
    }
    managedServiceCharges(e, d, (resource, meter, amount) => emit(this.use(resource, meter, amount)));
    for (const r of e.regionalUsage) {
      emit(
        this.charge(
          this.accountSubject(r.account, r.region),
          METERS.metrics,
          r.customMetrics / d.daysInMonth,
        ),
      );
    }
  }

  /** Credits, on the first day of a month. */
  private credits(d: Day, emit: Emit): void {
    if (!d.firstOfMonth) return;
    for (const credit of this.estate.credits) {
      const amount = -toUnits(credit.monthlyAmount);
      emit({
        subject: this.accountSubject(credit.account, null),
        service: SERVICES.ec2,
        usageType: null,
        description: credit.description,
        category: "Credit",
        frequency: "One-Time",
        pricingCategory: null,
        unit: null,
        quantity: null,
        listUnitPrice: null,
        list: amount,
        billed: amount,
        effective: amount,
        commitment: null,
      });
    }
  }

  /** A resource's on-demand usage of a meter. */
  private use(resource: Resource, meter: Meter, amount: number): Charge {
    return this.charge(this.subject(resource), meter, amount);
  }

  private charge(subject: Subject, meter: Meter, amount: number): Charge {
    const quantity = Math.round(amount * 1e6) / 1e6;
    const price = subject.region ? regional(meter.price, subject.region) : meter.price;
    const cost = toUnits(quantity * price);
    const prefix = subject.region ? (USAGE_PREFIX[subject.region] ?? "") : "";
    const regionName = subject.region ? (REGION_NAMES[subject.region] ?? subject.region) : "Global";
    return {
      subject,
      service: meter.service,
      usageType: `${prefix}${meter.usageType}`,
      description: meter.describe(plainDecimal(price), regionName),
      category: "Usage",
      frequency: "Usage-Based",
      pricingCategory: "Standard",
      unit: meter.unit,
      quantity,
      listUnitPrice: price,
      list: cost,
      billed: cost,
      effective: cost,
      commitment: null,
    };
  }

  private subject(resource: Resource): Subject {
    let subject = this.subjects.get(resource);
    if (!subject) {
      const extra = resource as Resource & { name?: string; availabilityZone?: string };
      subject = {
        account: this.accounts.get(resource.account) as Account,
        region: resource.region === "global" ? null : resource.region,
        availabilityZone: extra.availabilityZone ?? null,
        resourceId: resource.billingId,
        resourceName: extra.name ?? resource.tags.Name ?? null,
        resourceType: RESOURCE_TYPE[resource.resourceType],
        tags: Object.keys(resource.tags).length ? resource.tags : null,
      };
      this.subjects.set(resource, subject);
    }
    return subject;
  }

  accountSubject(accountId: string, region: string | null, resource?: Partial<Subject>): Subject {
    const key = `${accountId}|${region}|${resource?.resourceId ?? ""}`;
    let subject = this.accountSubjects.get(key);
    if (!subject) {
      subject = {
        account: this.accounts.get(accountId) as Account,
        region,
        availabilityZone: null,
        resourceId: null,
        resourceName: null,
        resourceType: null,
        tags: null,
        ...resource,
      };
      this.accountSubjects.set(key, subject);
    }
    return subject;
  }
}
