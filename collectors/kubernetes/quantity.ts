/**
 * Kubernetes resource quantities ('3920m' CPU, '15Gi' or '128974848' bytes, '1e3'), as the API server
 * writes them: a decimal number and an optional suffix, binary (Ki = 1024 ... Ei), decimal (n, u, m, k,
 * M, G, T, P, E) or a decimal exponent (e3, E-2). The grammar is apimachinery's resource.Quantity.
 */
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|n|u|m|k|M|G|T|P|E)?$/;

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** The quantity as a number of its unit (cores, bytes); an unreadable quantity throws, naming it. */
export function parseQuantity(quantity: string): number {
  const match = QUANTITY.exec(quantity.trim());
  if (!match) throw new Error(`not a Kubernetes quantity: "${quantity}"`);
  const number = Number(match[1]);
  const suffix = match[2] ?? "";
  const binary = BINARY[suffix];
  if (binary !== undefined) return number * 2 ** binary;
  const exponent = DECIMAL[suffix] ?? Number(suffix.slice(1));
  // Dividing by a power of ten, not multiplying by its inverse: 3920m is 3.92, not 3.9200000000000004.
  return exponent >= 0 ? number * 10 ** exponent : number / 10 ** -exponent;
}

/** A quantity that may be absent (a container without a CPU request): absent is 0. */
export function quantityOrZero(quantity: string | undefined | null): number {
  return quantity === undefined || quantity === null ? 0 : parseQuantity(quantity);
}
