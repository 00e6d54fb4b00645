import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/**
 * A stand-in for the two commitment inventory calls moto does not implement (it answers both with a 500
 * NotImplementedError): EC2's DescribeReservedInstances (the query protocol, XML) and Savings Plans'
 * DescribeSavingsPlans (REST-JSON, POST /DescribeSavingsPlans). Every other request goes on to the
 * upstream emulator unchanged, so one endpoint serves a whole `finops collect`. startMoto puts one in
 * front of every moto: without commitments it answers as an account that has none.
 */
export interface StandInReservation {
  id: string;
  region: string;
  instanceType: string;
  count: number;
  offeringType: string;
  productDescription?: string;
  scope?: "Region" | "Availability Zone";
  availabilityZone?: string;
  /** ISO 8601; a test leaves out the end to send a bad page. */
  start: string;
  end?: string;
  durationSeconds: number;
  fixedPrice: string;
  usagePrice: string;
  /** The Hourly recurring charges' amounts. */
  hourly: string[];
  state: string;
  tags?: Record<string, string>;
}

/** A plan as DescribeSavingsPlans answers it (its JSON member names). */
export type StandInPlan = Record<string, unknown>;

export interface CommitmentStandIn {
  endpoint: string;
  /** Every call the stand-in answered itself: operation, region (from the signature) and body. */
  requests: { operation: string; region: string; body: string }[];
  reservations: StandInReservation[];
  savingsPlans: StandInPlan[];
  /** Plans per DescribeSavingsPlans page (the request's maxResults is larger: the stand-in pages anyway). */
  pageSize: number;
  /** When set, the nth call (1: the first) of the operation answers this error instead. */
  fail?: { operation: string; nth: number; status: number; code: string; message: string; seen?: number };
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

const xmlText = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function reservationXml(r: StandInReservation): string {
  const field = (name: string, value: string | number | undefined) =>
    value === undefined ? "" : `<${name}>${xmlText(String(value))}</${name}>`;
  const tags = Object.entries(r.tags ?? {})
    .map(([key, value]) => `<item>${field("key", key)}${field("value", value)}</item>`)
    .join("");
  const charges = r.hourly
    .map((amount) => `<item>${field("frequency", "Hourly")}${field("amount", amount)}</item>`)
    .join("");
  return `<item>${field("reservedInstancesId", r.id)}${field("instanceType", r.instanceType)}${field("availabilityZone", r.availabilityZone)}${field("start", r.start)}${field("end", r.end)}${field("duration", r.durationSeconds)}${field("usagePrice", r.usagePrice)}${field("fixedPrice", r.fixedPrice)}${field("instanceCount", r.count)}${field("productDescription", r.productDescription ?? "Linux/UNIX")}${field("state", r.state)}${tags ? `<tagSet>${tags}</tagSet>` : ""}<instanceTenancy>default</instanceTenancy><currencyCode>USD</currencyCode>${field("offeringType", r.offeringType)}<recurringCharges>${charges}</recurringCharges><offeringClass>standard</offeringClass>${field("scope", r.scope ?? "Region")}</item>`;
}

/**
 * Answers with a Content-Length, never chunked: the tests' own proxies in front of this one copy the
 * headers and set a length, and a chunked answer would then carry both.
 */
function send(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  const kept = Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => !["content-length", "transfer-encoding", "content-encoding", "connection"].includes(name),
    ),
  );
  response.writeHead(status, { ...kept, "content-length": String(bytes.length) });
  response.end(bytes);
}

/** The region and service a SigV4-signed request is for (Credential=KEY/DATE/REGION/SERVICE/aws4_request). */
function signedFor(request: IncomingMessage): { region: string; service: string } {
  const match = /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\//.exec(String(request.headers.authorization ?? ""));
  return { region: match?.[1] ?? "", service: match?.[2] ?? "" };
}

export async function startCommitmentStandIn(upstream: string): Promise<CommitmentStandIn> {
  const standIn: CommitmentStandIn = {
    endpoint: "",
    requests: [],
    reservations: [],
    savingsPlans: [],
    pageSize: 1000,
    close: async () => {},
  };
  const failing = (operation: string) => {
    const fail = standIn.fail;
    if (fail?.operation !== operation) return undefined;
    fail.seen = (fail.seen ?? 0) + 1;
    return fail.seen === fail.nth ? fail : undefined;
  };
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const text = body.toString("utf8");
    const { region, service } = signedFor(request);
    if (service === "ec2" && new URLSearchParams(text).get("Action") === "DescribeReservedInstances") {
      standIn.requests.push({ operation: "DescribeReservedInstances", region, body: text });
      const fail = failing("DescribeReservedInstances");
      send(
        response,
        fail ? fail.status : 200,
        { "content-type": "text/xml;charset=UTF-8" },
        fail
          ? `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${fail.code}</Code><Message>${xmlText(fail.message)}</Message></Error></Errors><RequestID>stand-in</RequestID></Response>`
          : `<?xml version="1.0" encoding="UTF-8"?><DescribeReservedInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>stand-in</requestId><reservedInstancesSet>${standIn.reservations
              .filter((r) => r.region === region)
              .map(reservationXml)
              .join("")}</reservedInstancesSet></DescribeReservedInstancesResponse>`,
      );
      return;
    }
    if (service === "savingsplans" && request.url === "/DescribeSavingsPlans") {
      standIn.requests.push({ operation: "DescribeSavingsPlans", region, body: text });
      const fail = failing("DescribeSavingsPlans");
      if (fail) {
        send(
          response,
          fail.status,
          { "content-type": "application/json", "x-amzn-errortype": fail.code },
          JSON.stringify({ message: fail.message }),
        );
        return;
      }
      const token = (JSON.parse(text || "{}") as { nextToken?: string }).nextToken;
      const from = token ? Number(token.replace(/^page-/, "")) * standIn.pageSize : 0;
      const to = from + standIn.pageSize;
      const more = to < standIn.savingsPlans.length;
      send(
        response,
        200,
        { "content-type": "application/json" },
        JSON.stringify({
          savingsPlans: standIn.savingsPlans.slice(from, to),
          ...(more ? { nextToken: `page-${to / standIn.pageSize}` } : {}),
        }),
      );
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        ([name]) => !["host", "connection", "content-length"].includes(name),
      ),
    ) as Record<string, string>;
    try {
      const answer = await fetch(`${upstream}${request.url}`, {
        method: request.method ?? "GET",
        headers,
        ...(body.length ? { body } : {}),
      });
      // fetch has decoded the body: its length and encoding headers no longer hold.
      send(
        response,
        answer.status,
        Object.fromEntries(answer.headers),
        Buffer.from(await answer.arrayBuffer()),
      );
    } catch {
      // The emulator is gone (a test stopped it): the caller sees a dropped connection, as with moto.
      response.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  standIn.endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  standIn.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return standIn;
}
