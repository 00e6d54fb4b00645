/** A count as people write it: "1 resource", "2 resources", "1,234 findings". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}
