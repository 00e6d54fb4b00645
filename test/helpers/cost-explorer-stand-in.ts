import { createServer, type Server } from "node:http";

/**
 * A stand-in Cost Explorer on 127.0.0.1 for the operations moto does not implement (the Savings Plans
 * and reservation utilization and coverage calls): it answers the JSON protocol by X-Amz-Target with
 * what the test's `answer` returns, records every request, and can refuse one operation.
 */
export interface CostExplorerStandIn {
  endpoint: string;
  requests: { operation: string; body: Record<string, unknown> }[];
  /** When set, the operation is refused with this error instead of answered. */
  refuse?: { operation: string; type: string; message: string };
  close(): Promise<void>;
}

/** An answer the test builds: a page, or an API error (`{ error: { type, message } }`). */
export type Answer = object | { error: { type: string; message: string } };

export async function startCostExplorer(
  answer: (operation: string, body: Record<string, unknown>) => Answer,
): Promise<CostExplorerStandIn> {
  const standIn: CostExplorerStandIn = { endpoint: "", requests: [], close: async () => {} };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const operation = String(request.headers["x-amz-target"] ?? "").replace(
        /^AWSInsightsIndexService\./,
        "",
      );
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      standIn.requests.push({ operation, body });
      const refused = standIn.refuse?.operation === operation ? standIn.refuse : undefined;
      let result: Answer;
      try {
        result = refused
          ? { error: { type: refused.type, message: refused.message } }
          : answer(operation, body);
      } catch (error) {
        result = { error: { type: "ValidationException", message: String(error) } };
      }
      const failed = "error" in result ? result.error : undefined;
      response.writeHead(failed ? 400 : 200, { "content-type": "application/x-amz-json-1.1" });
      response.end(JSON.stringify(failed ? { __type: failed.type, Message: failed.message } : result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  standIn.endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  standIn.close = () => new Promise((resolve) => server.close(() => resolve()));
  return standIn;
}
