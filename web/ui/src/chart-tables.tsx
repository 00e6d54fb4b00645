/**
 * What a chart is for a reader who cannot see it: an accessible name, and its figures as a table behind
 * "Show as table". Part of the charts' lazily loaded chunk (charts.tsx imports it).
 */
import { type ReactNode, useEffect, useState } from "react";
import { formatCount, formatDay, formatMoney } from "./format";

/** Phones (the CSS's narrow layout starts at the same width): charts draw fewer ticks and shorter labels. */
const NARROW = "(max-width: 720px)";

export function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => window.matchMedia(NARROW).matches);
  useEffect(() => {
    const query = window.matchMedia(NARROW);
    const onChange = () => setNarrow(query.matches);
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }, []);
  return narrow;
}

/**
 * A chart with a name and its table. A chart with nothing to press is one image (role="img"); one whose
 * marks can be pressed (the waste bars) is a figure named by its caption, so its buttons stay reachable.
 */
export function ChartFrame(props: {
  label: string;
  table: ReactNode;
  interactive?: boolean;
  children: ReactNode;
}) {
  const details = (
    <details className="chart-table" data-testid="chart-table">
      <summary>Show as table</summary>
      <div className="table-wrap">{props.table}</div>
    </details>
  );
  if (props.interactive) {
    return (
      <figure className="chart-figure">
        <figcaption className="sr-only">{props.label}</figcaption>
        {props.children}
        {details}
      </figure>
    );
  }
  return (
    <div className="chart-figure">
      <div role="img" aria-label={props.label}>
        {props.children}
      </div>
      {details}
    </div>
  );
}

/** The spend chart's figures: a row per day, a column per series shown, and their total. */
export function SpendTable(props: {
  label: string;
  days: string[];
  series: { key: string; values: number[] }[];
}) {
  return (
    <table className="table table-compact table-data">
      <caption className="sr-only">{props.label}</caption>
      <thead>
        <tr>
          <th scope="col">Day</th>
          {props.series.map((series) => (
            <th key={series.key} scope="col" className="num">
              {series.key}
            </th>
          ))}
          <th scope="col" className="num">
            Total
          </th>
        </tr>
      </thead>
      <tbody>
        {props.days.map((day, index) => (
          <tr key={day}>
            <th scope="row">{formatDay(day)}</th>
            {props.series.map((series) => (
              <td key={series.key} className="num">
                {formatMoney(series.values[index] ?? 0)}
              </td>
            ))}
            <td className="num strong">
              {formatMoney(props.series.reduce((sum, series) => sum + (series.values[index] ?? 0), 0))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The waste bars' figures: savings, cost and findings per rule or team. */
export function BreakdownTable(props: {
  label: string;
  rows: { key: string; label: string; value: number; monthlyCost: number; count: number }[];
}) {
  return (
    <table className="table table-compact table-data">
      <caption className="sr-only">{props.label}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col" className="num">
            Savings / month
          </th>
          <th scope="col" className="num">
            Cost / month
          </th>
          <th scope="col" className="num">
            Findings
          </th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.label}</th>
            <td className="num">{formatMoney(row.value)}</td>
            <td className="num">{formatMoney(row.monthlyCost)}</td>
            <td className="num">{formatCount(row.count)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One resource's cost per day. */
export function DailyTable(props: { label: string; days: string[]; values: number[] }) {
  return (
    <table className="table table-compact table-data">
      <caption className="sr-only">{props.label}</caption>
      <thead>
        <tr>
          <th scope="col">Day</th>
          <th scope="col" className="num">
            Cost
          </th>
        </tr>
      </thead>
      <tbody>
        {props.days.map((day, index) => (
          <tr key={day}>
            <th scope="row">{formatDay(day)}</th>
            <td className="num">{formatMoney(props.values[index] ?? 0)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
