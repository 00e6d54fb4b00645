import { api, type HotspotDimension } from "../api";
import { Card, Change, EmptyState, ErrorState, Money, Skeleton } from "../components";
import { addDays, formatDay } from "../format";
import { useApi } from "../hooks";

/* ---------- hotspots: the biggest spenders of the last 7 days, with week-over-week change ---------- */

const HOTSPOTS: { by: HotspotDimension; title: string; none: string }[] = [
  { by: "service", title: "Top services", none: "(no service)" },
  { by: "team", title: "Top teams", none: "(no team)" },
  { by: "account", title: "Top accounts", none: "(no account)" },
  { by: "resource", title: "Top resources", none: "(not per resource)" },
  { by: "cluster", title: "Top clusters", none: "(not Kubernetes)" },
  { by: "namespace", title: "Top namespaces", none: "(not Kubernetes)" },
];
const KUBERNETES: ReadonlySet<HotspotDimension> = new Set(["cluster", "namespace"]);

/** noTeamLabel: the config's tags.noTeamLabel, as every face names resources without a team tag. */
export function Hotspots(props: {
  to: string;
  noTeamLabel: string;
  /** Accounts' names as billing gives them: an account reads "437210371508 (prod)", as in the CLI. */
  accountNames: Record<string, string>;
}) {
  return (
    <div className="section">
      <div className="section-header">
        <h2 className="section-title">Hotspots</h2>
        <p className="section-note">
          The 7 days to {formatDay(addDays(props.to, -1))} against the 7 days before
        </p>
      </div>
      <div className="grid grid-2">
        {HOTSPOTS.map((hotspot) => (
          <HotspotTable
            key={hotspot.by}
            {...hotspot}
            none={hotspot.by === "team" ? props.noTeamLabel : hotspot.none}
            label={(key) =>
              hotspot.by === "account" && Object.hasOwn(props.accountNames, key)
                ? `${key} (${props.accountNames[key]})`
                : key
            }
            to={props.to}
          />
        ))}
      </div>
    </div>
  );
}

function HotspotTable(props: {
  by: HotspotDimension;
  title: string;
  none: string;
  to: string;
  label: (key: string) => string;
}) {
  const rows = useApi(`hotspots:${props.by}:${props.to}`, (signal) =>
    api.hotspots(props.by, props.to, 7, 10, signal),
  );
  return (
    <Card title={props.title} testId={`hotspots-${props.by}`} busy={rows.loading} className="card-flush">
      {rows.error ? (
        <ErrorState error={rows.error} onRetry={rows.reload} compact />
      ) : !rows.data ? (
        <div className="card-pad">
          <Skeleton lines={6} />
        </div>
      ) : rows.data.length === 0 ? (
        <EmptyState title="No spend in these two weeks" compact />
      ) : KUBERNETES.has(props.by) && rows.data.every((row) => row.key === null) ? (
        <EmptyState title="No Kubernetes cost in these two weeks" compact>
          No split cost allocation data: enable split cost allocation data for EKS in the CUR 2.0 export.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">
                  {props.by === "resource" ? "Resource" : props.by[0]?.toUpperCase() + props.by.slice(1)}
                </th>
                <th scope="col" className="num">
                  Last 7 days
                </th>
                <th scope="col" className="num">
                  Previous
                </th>
                <th scope="col" className="num">
                  Change
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.data.map((row) => (
                <tr key={row.key ?? "(none)"} data-testid="hotspot-row">
                  <td className="cell-key" title={row.key === null ? props.none : props.label(row.key)}>
                    {row.key === null ? <span className="muted">{props.none}</span> : props.label(row.key)}
                    {row.idle && <span className="legend-tag">idle</span>}
                  </td>
                  <td className="num">
                    <Money value={row.current} />
                  </td>
                  <td className="num muted">
                    <Money value={row.previous} />
                  </td>
                  <td className="num">
                    <Change change={row.change} percent={row.changePercent} previous={row.previous} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
