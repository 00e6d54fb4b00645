/**
 * The rules benchmark's usage of its EC2 resources: daily CloudWatch metrics and the billing rows the
 * money join reads (rules-store.ts generates the inventory they describe).
 */
import { BILLING_DAYS, DAYS, JITTER, METRIC_COLUMNS, RUN_ID, TODAY } from "./rules-store-sql.js";

/**
 * Instances: CPU (average and maximum) and network (sums) on the days they existed and ran; 12% of other
 * instances idle (CPU under 5%, network under 5 MB a day), 35% of Kubernetes nodes under 10% mean CPU.
 * In-use volumes: read and write ops, 20% nearly unused. NAT gateways: bytes out, 20% none.
 */
export const METRICS_SQL = {
  instances: `INSERT INTO metrics_daily (${METRIC_COLUMNS})
    SELECT account, region, resource_id, 'AWS/EC2', metric, day,
      CASE WHEN metric = 'CPUUtilization' THEN cpu END,
      CASE WHEN metric = 'CPUUtilization' THEN least(100, cpu + spread) END,
      CASE metric WHEN 'NetworkIn' THEN 0.6 * net WHEN 'NetworkOut' THEN 0.4 * net END,
      '${RUN_ID}'
    FROM (
      SELECT r.account, r.region, r.resource_id, d.day, m.metric,
        CASE WHEN r.k8s AND r.profile < 35 THEN 2 + 6 * ${JITTER}
          WHEN r.k8s THEN 20 + 50 * ${JITTER}
          WHEN r.profile < 12 THEN 0.2 + 1.3 * ${JITTER}
          ELSE 5 + 60 * ${JITTER} END AS cpu,
        CASE WHEN NOT r.k8s AND r.profile < 12 THEN 0.5 + 2.5 * ${JITTER} ELSE 10 + 30 * ${JITTER} END AS spread,
        CASE WHEN NOT r.k8s AND r.profile < 12 THEN 2e5 + 3e6 * ${JITTER} ELSE 5e7 + 5e9 * ${JITTER} END AS net
      FROM (
        SELECT account, region, resource_id, state, state_since, created_at,
          CAST(hash(resource_id, 'profile') % 100 AS INTEGER) AS profile,
          json_extract_string(attributes, '$.kubernetes.cluster') IS NOT NULL AS k8s
        FROM inventory WHERE resource_type = 'ec2:instance'
      ) r
      CROSS JOIN ${DAYS} d
      CROSS JOIN (VALUES ('CPUUtilization'), ('NetworkIn'), ('NetworkOut')) m(metric)
      WHERE d.day >= CAST(r.created_at AS DATE) AND (r.state = 'running' OR d.day < CAST(r.state_since AS DATE))
    )`,
  volumes: `INSERT INTO metrics_daily (${METRIC_COLUMNS})
    SELECT r.account, r.region, r.resource_id, 'AWS/EBS', m.metric, d.day, NULL, NULL,
      m.share * CASE WHEN r.profile < 20 THEN 400 * ${JITTER} ELSE 5000 + 5e6 * ${JITTER} END, '${RUN_ID}'
    FROM (
      SELECT account, region, resource_id, created_at, CAST(hash(resource_id, 'profile') % 100 AS INTEGER) AS profile
      FROM inventory WHERE resource_type = 'ec2:volume' AND state = 'in-use'
    ) r
    CROSS JOIN ${DAYS} d
    CROSS JOIN (VALUES ('VolumeReadOps', 0.4), ('VolumeWriteOps', 0.6)) m(metric, share)
    WHERE d.day >= CAST(r.created_at AS DATE)`,
  natGateways: `INSERT INTO metrics_daily (${METRIC_COLUMNS})
    SELECT r.account, r.region, r.resource_id, 'AWS/NATGateway', 'BytesOutToDestination', d.day, NULL, NULL,
      CASE WHEN r.profile < 20 THEN 0 ELSE 1e6 + 1e11 * ${JITTER} END, '${RUN_ID}'
    FROM (
      SELECT account, region, resource_id, created_at, CAST(hash(resource_id, 'profile') % 100 AS INTEGER) AS profile
      FROM inventory WHERE resource_type = 'ec2:nat-gateway' AND state = 'available'
    ) r
    CROSS JOIN ${DAYS} d
    WHERE d.day >= CAST(r.created_at AS DATE)`,
};

/**
 * One FOCUS cost row per resource per day for the last BILLING_DAYS days, named as the CUR names it:
 * the id for instances and volumes, the bucket name, the ARN for snapshots, NAT gateways and addresses.
 */
export const BILLING_SQL = `INSERT INTO billing BY NAME
  SELECT 'USD' AS BillingCurrency, '999999999999' AS BillingAccountId, 'bench-payer' AS BillingAccountName,
    date_trunc('month', day) AS BillingPeriodStart, date_trunc('month', day) + INTERVAL 1 MONTH AS BillingPeriodEnd,
    'Usage' AS ChargeCategory, 'Usage-Based' AS ChargeFrequency, resource_type || ' usage' AS ChargeDescription,
    day AS ChargePeriodStart, day + INTERVAL 1 DAY AS ChargePeriodEnd,
    CAST(cost AS DECIMAL(38,12)) AS BilledCost, CAST(cost AS DECIMAL(38,12)) AS EffectiveCost,
    CAST(cost AS DECIMAL(38,12)) AS ListCost, CAST(cost AS DECIMAL(38,12)) AS ContractedCost,
    'AWS' AS ProviderName, 'AWS' AS PublisherName, 'AWS' AS InvoiceIssuerName, region AS RegionId,
    CASE WHEN resource_type = 's3:bucket' THEN 'Amazon Simple Storage Service' ELSE 'Amazon Elastic Compute Cloud' END AS ServiceName,
    CASE WHEN resource_type IN ('s3:bucket', 'ec2:volume', 'ec2:snapshot') THEN 'Storage'
      WHEN resource_type IN ('ec2:elastic-ip', 'ec2:nat-gateway') THEN 'Networking' ELSE 'Compute' END AS ServiceCategory,
    account AS SubAccountId, 'bench-' || account AS SubAccountName, resource_type AS ResourceType,
    CASE resource_type
      WHEN 'ec2:snapshot' THEN 'arn:aws:ec2:' || region || ':' || account || ':snapshot/' || resource_id
      WHEN 'ec2:nat-gateway' THEN 'arn:aws:ec2:' || region || ':' || account || ':natgateway/' || resource_id
      WHEN 'ec2:elastic-ip' THEN 'arn:aws:ec2:' || region || ':' || account || ':elastic-ip/' || resource_id
      ELSE resource_id END AS ResourceId,
    tags AS Tags, 'focus' AS x_Source, 'bench' AS x_LoadId
  FROM (
    SELECT i.*, CAST(DATE '${TODAY}' - CAST(1 + d.n AS INTEGER) AS TIMESTAMP) AS day,
      (1 + (hash(i.resource_id, 'cost') % 1000) / 1000.0) * CASE i.resource_type
        WHEN 'ec2:instance' THEN CASE WHEN i.state = 'running' THEN 2.4 ELSE 0.05 END
        WHEN 'ec2:volume' THEN 0.1 / 30 * coalesce(CAST(json_extract(i.attributes, '$.sizeGiB') AS DOUBLE), 50)
        WHEN 'ec2:snapshot' THEN 0.05 / 30 * coalesce(CAST(json_extract(i.attributes, '$.sizeGiB') AS DOUBLE), 8)
        WHEN 'ec2:elastic-ip' THEN 0.12
        WHEN 'ec2:nat-gateway' THEN 1.08
        ELSE 0.5 END AS cost
    FROM inventory i CROSS JOIN range(${BILLING_DAYS}) d(n)
  )`;
