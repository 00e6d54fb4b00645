import { add, mulDiv } from "../../core/decimal.js";
import type { Money, MonthEnd, Window } from "./model.js";
import { addDays, isoDate } from "./week.js";

/** The month of the week's last day: its first day, its exclusive end, and its length. */
export function monthOf(weekEnd: Date): Window & { month: string; start: Date; daysInMonth: number } {
  const lastDay = addDays(weekEnd, -1);
  const year = lastDay.getUTCFullYear();
  const month = lastDay.getUTCMonth();
  const start = new Date(Date.UTC(year, month, 1));
  return {
    month: isoDate(start).slice(0, 7),
    start,
    from: isoDate(start),
    to: isoDate(new Date(Date.UTC(year, month + 1, 1))),
    daysInMonth: new Date(Date.UTC(year, month + 1, 0)).getUTCDate(),
  };
}

/**
 * The month's total once the bill has its last day: the month is closed, and its figure is the bill's,
 * not a forecast. Its last days may still change a little (late credits, refunds), as any bill does.
 */
export function actualMonthEnd(month: Money, daysInMonth: number): MonthEnd {
  return {
    basis: "actual",
    method: "The month is over and the bill has its last day: this is the bill's own total for the month.",
    effectiveCost: month.effectiveCost,
    billedCost: month.billedCost,
    dailyMean: null,
    remainingDays: 0,
    daysInMonth,
  };
}

/**
 * Month-end forecast: month to date plus the daily mean of the report week's billed days for each day
 * left after the last billed one. A run rate, plain on purpose: a finance lead can check it by hand. A
 * week still being billed is averaged over the days it has, not over 7.
 */
export function forecastMonthEnd(
  monthToDate: Money,
  week: Money,
  days: { weekBilled: number; monthBilledThrough: number; daysInMonth: number },
): MonthEnd {
  const remainingDays = days.daysInMonth - days.monthBilledThrough;
  const billed = days.weekBilled;
  if (billed === 0) {
    return {
      basis: "forecast",
      method:
        "No day of the report week is billed, so there is no run rate: the forecast is the month to date.",
      ...monthToDate,
      dailyMean: null,
      remainingDays,
      daysInMonth: days.daysInMonth,
    };
  }
  const over = billed === 7 ? "÷ 7" : `÷ its ${billed} billed days`;
  return {
    basis: "forecast",
    method: `Month to date plus the daily mean of the report week (its spend ${over}) × the days left in the month after the last billed day.`,
    effectiveCost: add(monthToDate.effectiveCost, mulDiv(week.effectiveCost, remainingDays, billed)),
    billedCost: add(monthToDate.billedCost, mulDiv(week.billedCost, remainingDays, billed)),
    dailyMean: mulDiv(week.effectiveCost, 1, billed),
    remainingDays,
    daysInMonth: days.daysInMonth,
  };
}
