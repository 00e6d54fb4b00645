import { add, compare, percentChange, subtract, ZERO } from "../../core/decimal.js";
import type { CostLine } from "../../store/costs.js";
import type { Breakdown, BreakdownRow, Dimension, Money, Mover } from "./model.js";

const NONE: Money = { effectiveCost: ZERO, billedCost: ZERO };

/** Every key of either week with both weeks' money, in `finops costs` order (this week's largest first). */
interface Pair {
  key: string | null;
  current: Money;
  previous: Money;
}

function pairs(current: CostLine[], previous: CostLine[]): Pair[] {
  const before = new Map(previous.map((line) => [line.key, line]));
  const result: Pair[] = current.map((line) => ({
    key: line.key,
    current: line,
    previous: before.get(line.key) ?? NONE,
  }));
  const seen = new Set(current.map((line) => line.key));
  // Keys that spent last week and nothing this week come last: they are the week's zeros.
  for (const line of previous)
    if (!seen.has(line.key)) result.push({ key: line.key, current: NONE, previous: line });
  return result;
}

const money = (m: Money): Money => ({ effectiveCost: m.effectiveCost, billedCost: m.billedCost });

function sumMoney(items: Money[]): Money {
  return {
    effectiveCost: add(...items.map((m) => m.effectiveCost)),
    billedCost: add(...items.map((m) => m.billedCost)),
  };
}

function row(
  key: string | null,
  label: string,
  current: Money,
  previous: Money,
  other?: { keys: number },
): BreakdownRow {
  const change = subtract(current.effectiveCost, previous.effectiveCost);
  return {
    key,
    label,
    other: other !== undefined,
    keys: other?.keys ?? 1,
    current: money(current),
    previous: money(previous),
    change,
    changePercent: percentChange(current.effectiveCost, previous.effectiveCost),
  };
}

const NOUNS: Record<Dimension, string> = {
  service: "services",
  account: "accounts",
  team: "teams",
  cluster: "clusters",
  namespace: "namespaces",
};

/**
 * The top rows of one dimension and one "Other" row summing the rest, so that the rows add up to the
 * same total as `finops costs --by <dimension>` for each week, to the last digit.
 */
export function breakdown(
  dimension: Dimension,
  current: CostLine[],
  previous: CostLine[],
  top: number,
  label: (key: string | null) => string,
): Breakdown {
  const all = pairs(current, previous);
  // One key left over is shown as itself: "Other (1 service)" hides a name for no gain.
  const shown = all.length <= top + 1 ? all : all.slice(0, top);
  const rest = all.slice(shown.length);
  const rows = shown.map((p) => row(p.key, label(p.key), p.current, p.previous));
  if (rest.length) {
    rows.push(
      row(
        null,
        `Other (${rest.length} ${NOUNS[dimension]})`,
        sumMoney(rest.map((p) => p.current)),
        sumMoney(rest.map((p) => p.previous)),
        { keys: rest.length },
      ),
    );
  }
  const totalCurrent = sumMoney(current);
  const totalPrevious = sumMoney(previous);
  return {
    dimension,
    rows,
    total: {
      current: totalCurrent,
      previous: totalPrevious,
      change: subtract(totalCurrent.effectiveCost, totalPrevious.effectiveCost),
      changePercent: percentChange(totalCurrent.effectiveCost, totalPrevious.effectiveCost),
    },
  };
}

/** The keys whose effective cost rose (or fell) the most from last week, in money. */
export function movers(
  dimension: "service" | "team",
  current: CostLine[],
  previous: CostLine[],
  label: (key: string | null) => string,
  count: number,
): Mover[] {
  return pairs(current, previous)
    .map((p) => ({
      dimension,
      key: p.key,
      label: label(p.key),
      current: p.current.effectiveCost,
      previous: p.previous.effectiveCost,
      change: subtract(p.current.effectiveCost, p.previous.effectiveCost),
      changePercent: percentChange(p.current.effectiveCost, p.previous.effectiveCost),
    }))
    .filter((m) => compare(m.change, ZERO) > 0)
    .sort((a, b) => compare(b.change, a.change))
    .slice(0, count);
}

export function totalOf(lines: CostLine[]): Money {
  return sumMoney(lines);
}
