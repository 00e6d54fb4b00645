import type { HistoryEntry } from "../api";
import { Badge, Card, EmptyState, ResourceId } from "../components";
import { DASH, describeAction, formatDateTime } from "../format";

/** What the plan's apply runs did, item by item (the remediation journal). */
export function PlanHistory(props: { planId: string; history: HistoryEntry[] }) {
  return (
    <Card title="Past results" className="card-flush" testId="plan-history">
      {props.history.length === 0 ? (
        <EmptyState title="Not applied yet" commands={[`finops apply ${props.planId}`]} compact>
          Once approved, apply the plan; every action and its outcome shows here.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table table-cards">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Resource</th>
                <th scope="col">Action</th>
                <th scope="col">Result</th>
                <th scope="col">Approved by</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {props.history.map((entry) => (
                <tr key={`${entry.runId}:${entry.resourceId}:${entry.action}`} data-testid="history-row">
                  <td className="mono nowrap">{entry.runId}</td>
                  <td data-label="Resource">
                    <ResourceId id={entry.resourceId} />
                  </td>
                  <td className="nowrap" data-label="Action">
                    {describeAction(entry.action)}
                  </td>
                  <td data-label="Result">
                    <Badge
                      tone={entry.status === "done" ? "good" : entry.status === "failed" ? "bad" : "neutral"}
                    >
                      {entry.status}
                    </Badge>
                  </td>
                  <td data-label="Approved by">{entry.approvedBy ?? DASH}</td>
                  <td className="nowrap" data-label="Started">
                    {formatDateTime(entry.startedAt)}
                  </td>
                  <td className="nowrap" data-label="Finished">
                    {formatDateTime(entry.finishedAt)}
                  </td>
                  <td className="cell-reason" data-label="Detail">
                    {entry.detail ?? DASH}
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
