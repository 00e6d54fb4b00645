import { addDays, daysBetween, isDay } from "../format";

export type Preset = "30" | "90" | "custom";

/** The selected window: from inclusive, to exclusive (as the API takes it), and how the user chose it. */
export interface Span {
  preset: Preset;
  from: string;
  to: string;
  days: number;
  invalid?: string;
}

export function selectWindow(params: URLSearchParams, range: { first: string; last: string }): Span {
  const end = addDays(range.last, 1);
  const preset = (params.get("range") ?? "30") as Preset;
  if (preset === "custom") {
    const from = params.get("from");
    const through = params.get("to");
    if (isDay(from) && isDay(through)) {
      const to = addDays(through, 1);
      const days = daysBetween(from, to);
      return {
        preset,
        from,
        to,
        days,
        invalid: days <= 0 ? "The start date is after the end date." : undefined,
      };
    }
  }
  const days = preset === "90" ? 90 : 30;
  return { preset: preset === "90" ? "90" : "30", from: addDays(end, -days), to: end, days };
}
