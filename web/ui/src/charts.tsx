/**
 * Every recharts chart of the page. This module is loaded on demand (see lazy.tsx), so the first load
 * carries React and the shell only.
 */
import type { KeyboardEvent } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  type BarShapeProps,
  CartesianGrid,
  LabelList,
  Rectangle,
  ResponsiveContainer,
  Tooltip,
  type TooltipContentProps,
  type TooltipValueType,
  XAxis,
  YAxis,
} from "recharts";
import { BreakdownTable, ChartFrame, DailyTable, SpendTable, useNarrow } from "./chart-tables";
import { formatCount, formatDay, formatDayShort, formatMoney, formatMoneyCompact } from "./format";
import { ACCENT, AXIS, type ColoredSeries, GRID, seriesColor } from "./palette";

const AXIS_TICK = { fill: AXIS, fontSize: 12 };

/** A daily series' x axis, labelled at the given days (props for recharts' XAxis). */
function dayAxis(ticks: string[]) {
  return {
    dataKey: "day",
    ticks,
    interval: 0,
    tickFormatter: formatDayShort,
    tick: AXIS_TICK,
    tickLine: false,
    axisLine: { stroke: GRID },
  } as const;
}

/** A money y axis from 0 to the last of its ticks (props for recharts' YAxis). */
function moneyAxis(ticks: number[]) {
  return {
    domain: [0, ticks.at(-1) ?? "auto"],
    ticks,
    tickFormatter: formatMoneyCompact,
    tick: AXIS_TICK,
    tickLine: false,
    axisLine: false,
  } as const;
}

type ChartTooltipProps = TooltipContentProps<TooltipValueType, string | number>;

/** Evenly spaced day ticks that always include the last day: every day, 2, 3, 5 days, or whole weeks. */
function dayTicks(days: string[], maxTicks: number): string[] {
  const n = days.length;
  const steps = [1, 2, 3, 5, 7, 14, 21, 28];
  let step = steps.find((candidate) => Math.ceil(n / candidate) <= maxTicks);
  if (step === undefined) step = Math.ceil(n / maxTicks / 7) * 7;
  return days.filter((_, index) => (n - 1 - index) % step === 0);
}

/** 0 and round steps (1, 2, 2.5, 5 × 10^n) up to at least `max`: $0, $1K, $2K, $3K, $4K. */
function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step * 0.001; tick += step) ticks.push(tick);
  if ((ticks.at(-1) ?? 0) < max) ticks.push(ticks.length * step);
  return ticks;
}

/* ---------- spend over time, stacked by service, team, account, cluster or namespace ---------- */

export interface SpendChartProps {
  /** The chart's accessible name: what it shows, over which days. */
  label: string;
  days: string[];
  series: (ColoredSeries & { values: number[] })[];
  total: number[];
  hidden: ReadonlySet<string>;
}

export function SpendChart(props: SpendChartProps) {
  // Series keys are free text (a service name may hold dots): rows use positional keys s0, s1, ...
  const rows = props.days.map((day, index) => {
    const row: Record<string, number | string> = { day, total: props.total[index] ?? 0 };
    props.series.forEach((series, seriesIndex) => {
      row[`s${seriesIndex}`] = series.values[index] ?? 0;
    });
    return row;
  });
  const top = Math.max(
    0,
    ...props.days.map((_, index) =>
      props.series.reduce(
        (sum, series) => (props.hidden.has(series.key) ? sum : sum + (series.values[index] ?? 0)),
        0,
      ),
    ),
  );
  const yTicks = niceTicks(top);
  const narrow = useNarrow();
  const shown = props.series.filter((series) => !props.hidden.has(series.key));
  return (
    <ChartFrame
      label={props.label}
      table={<SpendTable label={props.label} days={props.days} series={shown} />}
    >
      <SpendAreas {...props} rows={rows} yTicks={yTicks} narrow={narrow} />
    </ChartFrame>
  );
}

function SpendAreas(
  props: SpendChartProps & { rows: Record<string, number | string>[]; yTicks: number[]; narrow: boolean },
) {
  return (
    <ResponsiveContainer width="100%" height={props.narrow ? 260 : 320}>
      {/* No keyboard layer: the chart is one image, its figures are in the table below it. */}
      <AreaChart
        data={props.rows}
        margin={{ top: 8, right: props.narrow ? 20 : 24, bottom: 0, left: props.narrow ? 0 : 8 }}
        accessibilityLayer={false}
      >
        <CartesianGrid stroke={GRID} vertical={false} />
        <XAxis {...dayAxis(dayTicks(props.days, props.narrow ? 5 : 14))} />
        <YAxis {...moneyAxis(props.yTicks)} width={props.narrow ? 48 : 64} />
        <Tooltip
          content={(tooltip) => <SpendTooltip {...tooltip} series={props.series} />}
          cursor={{ stroke: AXIS, strokeDasharray: "3 3" }}
          isAnimationActive={false}
        />
        {props.series.map((series, index) => {
          const key = `s${index}`;
          // Keyed by position and hidden with `hide`, never unmounted: recharts stacks the areas in the order
          // they first mounted, so a key that survives a change of grouping ("Other") would stay at the bottom.
          return (
            <Area
              key={key}
              dataKey={key}
              name={series.key}
              hide={props.hidden.has(series.key)}
              stackId="spend"
              type="monotone"
              stroke={seriesColor(series, index)}
              fill={seriesColor(series, index)}
              fillOpacity={0.78}
              strokeWidth={1}
              isAnimationActive={false}
              activeDot={false}
            />
          );
        })}
      </AreaChart>
    </ResponsiveContainer>
  );
}

function SpendTooltip(props: ChartTooltipProps & { series: ColoredSeries[] }) {
  if (!props.active || !props.payload?.length) return null;
  const day = String(props.label ?? "");
  const entries = props.payload
    .map((entry) => {
      const index = Number(String(entry.dataKey).slice(1));
      const series = props.series[index] ?? { key: "" };
      return { key: series.key, series, index, value: Number(entry.value ?? 0) };
    })
    .sort((a, b) => b.value - a.value);
  const total = entries.reduce((sum, entry) => sum + entry.value, 0);
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip-title">{formatDay(day)}</p>
      {entries.map((entry) => (
        <div key={entry.key} className="tt-row">
          <span className="tt-key">
            <span className="swatch" style={{ background: seriesColor(entry.series, entry.index) }} />
            {entry.key}
          </span>
          <span className="num">{formatMoney(entry.value)}</span>
        </div>
      ))}
      <div className="tt-row tt-total">
        <span>Total</span>
        <span className="num">{formatMoney(total)}</span>
      </div>
    </div>
  );
}

/* ---------- waste per month, by rule or by team ---------- */

export interface BreakdownRow {
  key: string;
  label: string;
  value: number;
  count: number;
  monthlyCost: number;
}

function barLabel(row: BreakdownRow): string {
  return `${formatMoneyCompact(row.value)} · ${formatCount(row.count)}`;
}

/** A category label cut to fit a phone's axis; the full name is in the table and the bar's own name. */
const shortLabel = (label: string) => (label.length > 14 ? `${label.slice(0, 12)}…` : label);

export function BreakdownBars(props: {
  label: string;
  rows: BreakdownRow[];
  onSelect?: (key: string) => void;
}) {
  const height = Math.max(120, props.rows.length * 30 + 36);
  const narrow = useNarrow();
  const onSelect = props.onSelect;
  return (
    <ChartFrame
      label={props.label}
      interactive={onSelect !== undefined}
      table={<BreakdownTable label={props.label} rows={props.rows} />}
    >
      <ResponsiveContainer width="100%" height={height}>
        {/* No keyboard layer: each bar is a button of its own (SelectableBar). */}
        <BarChart
          data={props.rows.map((row) => ({ ...row, text: barLabel(row) }))}
          layout="vertical"
          margin={{ top: 0, right: narrow ? 72 : 96, bottom: 0, left: 0 }}
          accessibilityLayer={false}
        >
          <CartesianGrid stroke={GRID} horizontal={false} />
          <XAxis
            type="number"
            tickFormatter={formatMoneyCompact}
            tick={AXIS_TICK}
            tickLine={false}
            axisLine={{ stroke: GRID }}
          />
          <YAxis
            type="category"
            dataKey="label"
            width={narrow ? 104 : 150}
            tickFormatter={narrow ? shortLabel : undefined}
            tick={AXIS_TICK}
            tickLine={false}
            axisLine={false}
            interval={0}
          />
          <Tooltip
            content={(tooltip) => <BreakdownTooltip {...tooltip} />}
            cursor={{ fill: "rgba(79, 70, 229, 0.06)" }}
            isAnimationActive={false}
          />
          <Bar
            dataKey="value"
            name="Savings / month"
            fill={ACCENT}
            radius={[0, 3, 3, 0]}
            maxBarSize={18}
            isAnimationActive={false}
            shape={
              onSelect ? (shape: BarShapeProps) => <SelectableBar {...shape} onPick={onSelect} /> : undefined
            }
          >
            <LabelList dataKey="text" position="right" fill={AXIS} fontSize={12} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}

/**
 * A bar that is a button: focusable, Enter or Space does what a click does, and its whole row (the bar's
 * track) is the target and the focus ring, so even the shortest bar is easy to hit and to see.
 */
function SelectableBar(props: BarShapeProps & { onPick: (key: string) => void }) {
  const row = props.payload as BreakdownRow;
  const select = () => props.onPick(row.key);
  const track = props.background;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    select();
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: an SVG mark cannot be a <button>; role, name and keys make it one.
    <g
      className="bar-button"
      role="button"
      tabIndex={0}
      aria-label={`${row.label}: ${formatMoney(row.value)} savings a month, ${formatCount(row.count)} findings. Show them`}
      data-testid="waste-bar"
      onClick={select}
      onKeyDown={onKeyDown}
    >
      <rect
        className="bar-track"
        x={track?.x ?? props.x}
        y={props.y - 4}
        width={track?.width ?? props.width}
        height={props.height + 8}
        rx={4}
      />
      <Rectangle
        x={props.x}
        y={props.y}
        width={props.width}
        height={props.height}
        fill={ACCENT}
        radius={[0, 3, 3, 0]}
      />
    </g>
  );
}

function BreakdownTooltip(props: ChartTooltipProps) {
  const row = props.payload?.[0]?.payload as BreakdownRow | undefined;
  if (!props.active || !row) return null;
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip-title">{row.label}</p>
      <div className="tt-row">
        <span>Savings / month</span>
        <span className="num">{formatMoney(row.value)}</span>
      </div>
      <div className="tt-row">
        <span>Cost / month</span>
        <span className="num">{formatMoney(row.monthlyCost)}</span>
      </div>
      <div className="tt-row">
        <span>Findings</span>
        <span className="num">{formatCount(row.count)}</span>
      </div>
    </div>
  );
}

/* ---------- one resource's daily cost ---------- */

export function ResourceCostChart(props: { days: string[]; values: number[] }) {
  const rows = props.days.map((day, index) => ({ day, value: props.values[index] ?? 0 }));
  const yTicks = niceTicks(
    props.values.reduce((max, value) => Math.max(max, value), 0),
    3,
  );
  const narrow = useNarrow();
  const first = props.days[0];
  const last = props.days.at(-1);
  const label =
    first && last
      ? `Bar chart: this resource's cost per day, ${formatDay(first)} to ${formatDay(last)}`
      : "Bar chart: this resource's cost per day";
  return (
    <ChartFrame label={label} table={<DailyTable label={label} days={props.days} values={props.values} />}>
      <ResponsiveContainer width="100%" height={180}>
        <BarChart
          data={rows}
          margin={{ top: 4, right: 20, bottom: 0, left: 4 }}
          barCategoryGap={1}
          accessibilityLayer={false}
        >
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis {...dayAxis(dayTicks(props.days, narrow ? 4 : 7))} />
          <YAxis {...moneyAxis(yTicks)} width={56} />
          <Tooltip
            content={(tooltip) => <DayTooltip {...tooltip} />}
            cursor={{ fill: "rgba(79, 70, 229, 0.08)" }}
            isAnimationActive={false}
          />
          <Bar dataKey="value" fill={ACCENT} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}

function DayTooltip(props: ChartTooltipProps) {
  const entry = props.payload?.[0];
  if (!props.active || !entry) return null;
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip-title">{formatDay(String(props.label ?? ""))}</p>
      <p className="num">{formatMoney(Number(entry.value ?? 0))}</p>
    </div>
  );
}
