import type { PlanItem } from "../api";
import { Money, ResourceId } from "../components";
import { DASH, describeAction } from "../format";

export function PlanItemRow(props: { item: PlanItem }) {
  const item = props.item;
  const tags = Object.entries(item.preconditions?.tags ?? {});
  const attachments = item.preconditions?.attachments ?? [];
  return (
    <tr data-testid="plan-item">
      <td className="cell-resource">
        <ResourceId id={item.resourceId} />
        <span className="cell-sub">
          {item.resourceType} · <span className="mono">{item.account}</span> · {item.region}
        </span>
      </td>
      <td data-label="Action">
        <span className="nowrap">{describeAction(item.action)}</span>
        {item.approval === "auto" ? (
          <span className="cell-sub">auto-approved</span>
        ) : (
          <span className="cell-sub">manual approval</span>
        )}
        {item.markValue && <span className="cell-sub mono">{item.markValue}</span>}
      </td>
      <td className="nowrap" data-label="Rule">
        {item.rule}
      </td>
      <td className="cell-reason" data-label="Reason">
        {item.reason}
      </td>
      <td data-label="Team">{item.team}</td>
      <td className="num strong" data-label="Savings / mo">
        <Money value={item.estimatedMonthlySavings} />
      </td>
      <td className="cell-preconditions" data-label="Preconditions">
        <dl className="evidence">
          <div className="evidence-pair">
            <dt>state</dt>
            <dd>{item.preconditions?.state ?? DASH}</dd>
          </div>
          <div className="evidence-pair">
            <dt>attachments</dt>
            <dd>{attachments.length ? attachments.join(", ") : "none"}</dd>
          </div>
          <div className="evidence-pair">
            <dt>tags</dt>
            <dd>
              {tags.length === 0 ? (
                "none"
              ) : (
                <span className="tags">
                  {tags.map(([key, value]) => (
                    <span key={key} className="tag" title={`${key}=${value}`}>
                      {key}={value}
                    </span>
                  ))}
                </span>
              )}
            </dd>
          </div>
        </dl>
      </td>
    </tr>
  );
}
