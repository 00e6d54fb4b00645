/**
 * A finding's evidence in words: each key a rule kind puts in its evidence (rules/kinds/*.ts, the
 * json_object of its SQL) as a person reads it, with the unit its figure is in: `meanNetworkMbPerDay`
 * is "mean network, MB/day". One list for every face that shows evidence (the web view receives it
 * from GET /api/rules); a test holds it to the keys the kinds write.
 */

export interface EvidenceTerm {
  /** The key in words: "mean network". */
  words: string;
  /** The unit of its figure, as the label names it ("MB/day", "%", "GiB", "days"); none when the value says it. */
  unit?: string;
  /**
   * How its value reads where it is not a plain figure, text or date: an amount of money a month in the
   * billing currency, a number of bytes (shown as KB, MB, GB...), or a share (0.85 is 85%).
   */
  value?: "money" | "bytes" | "share";
}

const days = (words: string): EvidenceTerm => ({ words, unit: "days" });
const percent = (words: string): EvidenceTerm => ({ words, unit: "%" });
const money = (words: string): EvidenceTerm => ({ words, value: "money" });
const bytes = (words: string): EvidenceTerm => ({ words, value: "bytes" });
const share = (words: string): EvidenceTerm => ({ words, value: "share" });
const plain = (words: string): EvidenceTerm => ({ words });

/** Every evidence key of the built-in rule kinds, alphabetically. */
export const EVIDENCE_TERMS: Readonly<Record<string, EvidenceTerm>> = {
  ageDays: days("age"),
  allocatedStorageGiB: { words: "allocated storage", unit: "GiB" },
  associationId: plain("association"),
  basis: plain("how it was estimated"),
  billDays: days("billed split cost"),
  bytes: bytes("size of the parts"),
  bytesOutToDestination: bytes("data sent out"),
  cacheNodeType: plain("node type"),
  capacityMonthlyCost: money("provisioned capacity cost a month"),
  cluster: plain("cluster"),
  commitmentCost: money("commitment cost over the window"),
  cpuDays: days("CPU data"),
  createdAt: plain("created"),
  currentFactor: plain("size factor now"),
  days: days("measured over"),
  daysLeft: days("time left"),
  daysWithoutNodes: days("without nodes for"),
  desiredNodes: plain("desired nodes"),
  end: plain("ends"),
  engine: plain("engine"),
  // rds-multi-az-nonprod's key is its environmentTag parameter: this is its default.
  environment: plain("environment"),
  estimatedDeletedShare: share("share of the logs deleted"),
  estimatedMonthlySavings: money("estimated savings a month"),
  expiresAt: plain("expires at"),
  gp2Iops: plain("gp2 IOPS"),
  gp3Iops: plain("gp3 included IOPS"),
  hasLifecyclePolicy: plain("has a lifecycle policy"),
  imageBytes: bytes("images' size"),
  imageCount: plain("images"),
  incomingBytes: bytes("data taken in"),
  instanceClass: plain("instance class"),
  instanceType: plain("instance type"),
  iops: plain("provisioned IOPS"),
  lbKind: plain("load balancer kind"),
  lifecycleRules: plain("lifecycle rules"),
  maxConnections: plain("peak connections"),
  maxCpuPercent: percent("peak CPU"),
  maxCurrConnections: plain("peak connections"),
  maxDatabaseConnections: plain("peak database connections"),
  meanDailyOps: { words: "mean I/O operations", unit: "per day" },
  meanNetworkMbPerDay: { words: "mean network", unit: "MB/day" },
  meanReadUnitsPerSecond: { words: "mean reads", unit: "units/s" },
  meanWriteUnitsPerSecond: { words: "mean writes", unit: "units/s" },
  metric: plain("metric"),
  missing: plain("missing tags"),
  monthDays: days("a month counted as"),
  monthlyCommitmentCost: money("commitment cost a month"),
  monthlyOnDemandCost: money("on-demand cost a month if not renewed"),
  multiAz: plain("Multi-AZ"),
  name: plain("name"),
  node: plain("node"),
  nodeGroup: plain("node group"),
  nodePool: plain("nodepool"),
  nodeType: plain("node type"),
  nodegroups: plain("node groups"),
  numCacheNodes: plain("nodes"),
  numberOfNodes: plain("nodes"),
  oldestInitiated: plain("oldest upload begun"),
  onDemandMonthlyCost: money("on-demand cost a month"),
  onDemandPerProvisionedUnit: { words: "an on-demand request unit costs", unit: "provisioned unit-seconds" },
  onDemandRatioFrom: plain("prices from"),
  peakCpuPercent: percent("peak CPU"),
  podsToMove: plain("pods to move"),
  podsToMoveCount: plain("pods to move, in all"),
  priceFrom: plain("price from"),
  projectedPeakCpuPercent: percent("peak CPU on the smaller size"),
  proposedRetentionDays: days("proposed retention"),
  publicIp: plain("public IP"),
  readCapacityUnits: plain("provisioned read units"),
  registeredTargets: plain("registered targets"),
  requestedCpuPercent: percent("CPU requested"),
  requestedMemoryPercent: percent("memory requested"),
  retentionDays: days("retention"),
  savingsRatio: share("share saved"),
  sizeGiB: { words: "size", unit: "GiB" },
  snapshotIds: plain("snapshots"),
  snapshots: plain("inventory snapshots"),
  source: plain("judged from"),
  start: plain("started"),
  state: plain("state"),
  stoppedSince: plain("stopped since"),
  storageMonthlyCost: money("storage cost a month"),
  storageType: plain("storage type"),
  storedBytes: bytes("stored"),
  targetFactor: plain("size factor of the smaller size"),
  targetGroups: plain("target groups"),
  targetInstanceType: plain("suggested instance type"),
  total: plain("metric total"),
  ttl: plain("time to live"),
  type: plain("type"),
  unattachedSince: plain("unattached since"),
  unusedCost: money("unused cost"),
  unusedPercent: percent("unused"),
  uploads: plain("incomplete uploads"),
  usdPerGbMonth: { words: "storage price", unit: "USD per GB-month" },
  usedCost: money("used cost"),
  usedCpuPercent: percent("mean CPU used"),
  usedShare: share("share of the capacity used"),
  utilization: share("utilization"),
  volumeId: plain("source volume"),
  volumeIds: plain("volumes"),
  volumeType: plain("volume type"),
  windowDays: days("window"),
  writeCapacityUnits: plain("provisioned write units"),
};

/** A key no term names (a `sql` rule's own), split at its capitals: `lastLoginDays` is "last login days". */
export function keyInWords(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase();
}

/** The label of an evidence key: its words and unit ("mean network, MB/day"). */
export function evidenceLabel(key: string): string {
  const term = EVIDENCE_TERMS[key];
  if (!term) return keyInWords(key);
  return term.unit ? `${term.words}, ${term.unit}` : term.words;
}
