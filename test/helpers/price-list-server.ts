import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A product as the Price List API describes it, reduced to what finops reads. */
export interface FakeProduct {
  serviceCode: string;
  attributes: Record<string, string>;
  unit: string;
  usd: string;
  description: string;
}

export interface PriceListServer {
  endpoint: string;
  /** Every GetProducts request body received. */
  requests: { ServiceCode: string; Filters: { Field: string; Value: string }[]; NextToken?: string }[];
  close(): Promise<void>;
}

/**
 * A loopback stand-in for the AWS Price List API (moto does not emulate it): GetProducts over the JSON
 * 1.1 protocol, TERM_MATCH filters on product attributes, one product per page so that finops has to
 * follow NextToken.
 */
export async function startPriceListServer(products: FakeProduct[]): Promise<PriceListServer> {
  const requests: PriceListServer["requests"] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const target = String(request.headers["x-amz-target"] ?? "");
      if (target !== "AWSPriceListService.GetProducts") {
        response.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
        response.end(
          JSON.stringify({ __type: "InvalidParameterException", message: `unexpected ${target}` }),
        );
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString()) as PriceListServer["requests"][number];
      requests.push(body);
      const matching = products.filter(
        (p) =>
          p.serviceCode === body.ServiceCode && body.Filters.every((f) => p.attributes[f.Field] === f.Value),
      );
      const index = Number(body.NextToken ?? 0);
      const product = matching[index];
      const page = product
        ? [
            JSON.stringify({
              product: { sku: `SKU${index}${product.usd}`, attributes: product.attributes },
              terms: {
                OnDemand: {
                  "X.JRTCKXETXF": {
                    priceDimensions: {
                      "X.JRTCKXETXF.6YS6EN2CT7": {
                        unit: product.unit,
                        beginRange: "0",
                        description: product.description,
                        pricePerUnit: { USD: product.usd },
                      },
                    },
                  },
                },
              },
            }),
          ]
        : [];
      response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      response.end(
        JSON.stringify({
          FormatVersion: "aws_v1",
          PriceList: page,
          ...(index + 1 < matching.length ? { NextToken: String(index + 1) } : {}),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
