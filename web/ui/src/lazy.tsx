import { Component, lazy, type ReactNode, Suspense } from "react";
import { Skeleton } from "./components";

/** recharts is only fetched when a chart first renders (then cached): the first load stays React + the shell. */
const charts = () => import("./charts");

export const SpendChart = lazy(() => charts().then((module) => ({ default: module.SpendChart })));
export const BreakdownBars = lazy(() => charts().then((module) => ({ default: module.BreakdownBars })));
export const ResourceCostChart = lazy(() =>
  charts().then((module) => ({ default: module.ResourceCostChart })),
);

/** Fetches the chart chunk ahead of need, when the browser is idle (once the findings table shows). */
export function prefetchCharts(): void {
  const start = () => void charts().catch(() => undefined);
  if ("requestIdleCallback" in window) window.requestIdleCallback(start, { timeout: 2000 });
  else setTimeout(start, 200);
}

interface BoundaryState {
  failed: boolean;
}

/**
 * A chart whose code cannot load: typically a tab left open across an upgrade of `finops serve`, whose
 * old hashed chunk is gone. Says so instead of leaving a blank card.
 */
class ChartBoundary extends Component<{ children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { failed: false };

  static getDerivedStateFromError(): BoundaryState {
    return { failed: true };
  }

  override render() {
    if (this.state.failed) {
      return (
        <div className="state state-error state-compact" role="alert">
          <div>
            <p className="state-title">The chart could not be loaded</p>
            <p className="state-text">The server may have been upgraded since this page was opened.</p>
          </div>
          <button type="button" className="button button-secondary" onClick={() => window.location.reload()}>
            Reload the page
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}

export function ChartSlot(props: { children: ReactNode; height?: "chart" | "bar" }) {
  return (
    <ChartBoundary>
      <Suspense fallback={<Skeleton height={props.height ?? "chart"} />}>{props.children}</Suspense>
    </ChartBoundary>
  );
}
