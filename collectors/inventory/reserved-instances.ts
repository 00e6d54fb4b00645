import {
  DescribeReservedInstancesCommand,
  type DescribeReservedInstancesCommandOutput,
  EC2Client,
  type ReservedInstances,
} from "@aws-sdk/client-ec2";
import { clientFor } from "../../aws/clients.js";
import { sumDecimals } from "../../core/money.js";
import { arnOf } from "../../resources/arn.js";
import { ec2ReservedInstances } from "../../resources/ec2-reserved-instances.js";
import { onePage } from "./calls.js";
import { decimalText, instant, required } from "./commitment-values.js";
import { type CollectScope, type InventoryCollector, type ResourceRecord, tagObject } from "./resource.js";

/**
 * The EC2 reservations of a region, in every state (active, retired, payment-pending, queued, ...: the
 * state says which count). DescribeReservedInstances has no paging: one call answers them all. Their
 * terms also go to commitment_terms (the descriptor's `commitment`), so that `finops commitments` knows
 * when each ends even where the bill (a FOCUS file) does not say.
 */
export const reservedInstances: InventoryCollector = {
  name: "inventory:reserved-instances",
  resource: ec2ReservedInstances,
  scope: "regional",
  iamActions: ["ec2:DescribeReservedInstances"],
  async collect(scope) {
    const client = clientFor(EC2Client, scope);
    try {
      const page = await onePage<DescribeReservedInstancesCommandOutput>(
        scope,
        {
          account: scope.account,
          region: scope.region,
          service: "ec2",
          operation: "DescribeReservedInstances",
        },
        async () => ({ page: await client.send(new DescribeReservedInstancesCommand({})) }),
      );
      return (page?.ReservedInstances ?? []).map((reservation) => reservationRecord(scope, reservation));
    } finally {
      client.destroy();
    }
  },
};

function reservationRecord(scope: CollectScope, reservation: ReservedInstances): ResourceRecord {
  const where = `DescribeReservedInstances ${scope.account} ${scope.region}`;
  const id = required(reservation.ReservedInstancesId, where, "ReservedInstancesId");
  const at = `${where} ${id}`;
  const start = instant(required(reservation.Start, at, "Start"), at, "Start");
  const end = instant(required(reservation.End, at, "End"), at, "End");
  const hourly = (reservation.RecurringCharges ?? [])
    .filter((charge) => charge.Frequency === "Hourly")
    .flatMap((charge) => {
      const amount = decimalText(charge.Amount);
      return amount === null ? [] : [amount];
    });
  return {
    resourceId: arnOf(ec2ReservedInstances, { region: scope.region, account: scope.account, id }),
    resourceType: ec2ReservedInstances.type,
    account: scope.account,
    region: scope.region,
    state: reservation.State ?? null,
    stateSince: null,
    createdAt: start,
    tags: tagObject(reservation.Tags),
    attributes: {
      reservedInstancesId: id,
      instanceType: reservation.InstanceType ?? null,
      instanceCount: reservation.InstanceCount ?? null,
      offeringType: reservation.OfferingType ?? null,
      offeringClass: reservation.OfferingClass ?? null,
      productDescription: reservation.ProductDescription ?? null,
      instanceTenancy: reservation.InstanceTenancy ?? null,
      scope: reservation.Scope ?? null,
      availabilityZone: reservation.AvailabilityZone ?? null,
      start,
      end,
      durationSeconds: reservation.Duration ?? null,
      fixedPrice: decimalText(reservation.FixedPrice),
      usagePrice: decimalText(reservation.UsagePrice),
      recurringHourly: hourly.length ? sumDecimals(hourly) : "0",
      currencyCode: reservation.CurrencyCode ?? null,
    },
  };
}
