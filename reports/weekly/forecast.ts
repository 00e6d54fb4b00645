import { add, mulDiv } from "./decimal.js";
import type { Forecast, Money, Window } from "./model.js";
import { addDays, isoDate } from "./week.js";

/** The month of the week's last day, from its first day up to the end of the week. */
export function monthToDateWindow(
  weekEnd: Date,
): Window & { month: string; days: number; daysInMonth: number } {
  const lastDay = addDays(weekEnd, -1);
  const year = lastDay.getUTCFullYear();
  const month = lastDay.getUTCMonth();
  const first = new Date(Date.UTC(year, month, 1));
  return {
    month: isoDate(first).slice(0, 7),
    from: isoDate(first),
    to: isoDate(weekEnd),
    days: lastDay.getUTCDate(),
    daysInMonth: new Date(Date.UTC(year, month + 1, 0)).getUTCDate(),
  };
}

/**
 * Month-end forecast: month to date plus the daily mean of the last 7 days (the report's week) for each
 * day left in the month. A run rate, plain on purpose: a finance lead can check it by hand.
 */
export function forecastMonthEnd(
  monthToDate: Money,
  week: Money,
  window: { days: number; daysInMonth: number },
): Forecast {
  const remainingDays = window.daysInMonth - window.days;
  return {
    method:
      "Month to date plus the daily mean of the last 7 days (the report week's spend ÷ 7) × the days left in the month.",
    effectiveCost: add(monthToDate.effectiveCost, mulDiv(week.effectiveCost, remainingDays, 7)),
    billedCost: add(monthToDate.billedCost, mulDiv(week.billedCost, remainingDays, 7)),
    dailyMean: mulDiv(week.effectiveCost, 1, 7),
    remainingDays,
    daysInMonth: window.daysInMonth,
  };
}
