import type { Route } from "./hooks";
import { PlanDetail } from "./remediation/PlanDetail";
import { PlanList } from "./remediation/PlanList";

export function Remediation(props: { route: Route }) {
  const planId = props.route.parts[0];
  // Keyed by plan: the form (name, outcome) of one plan never carries over to another.
  return planId ? <PlanDetail key={planId} planId={planId} /> : <PlanList />;
}
