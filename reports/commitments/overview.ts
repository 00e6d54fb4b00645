import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../../config/schema.js";
import {
  type CommitmentQuery,
  commitmentReport,
  type CommitmentReport as Figures,
} from "../../store/commitments.js";

/** A purchase finops suggests, with the one line that says it. */
export interface CommitmentRecommendation {
  summary: string;
}

export interface CommitmentReport extends Figures {
  recommendations: CommitmentRecommendation[];
}

/** What `finops commitments`, the weekly report, the web view and /metrics show: one computation. */
export async function commitmentsOverview(
  connection: DuckDBConnection,
  config: Config,
  query: CommitmentQuery,
): Promise<CommitmentReport> {
  const figures = await commitmentReport(connection, config.commitments, query);
  return { ...figures, recommendations: [] };
}
