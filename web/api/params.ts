import type { FastifyReply } from "fastify";
import { z } from "zod";
import { closest } from "../../core/suggest.js";

/** A calendar day, as every date parameter of the API takes it. */
export const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date like 2024-09-01")
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: "not a calendar date",
    },
  );

/**
 * Parses query parameters, or answers 400 naming the parameter and what is wrong; null then. A parameter
 * the route does not take is named with the nearest one it does (a typo in an address is not ignored).
 */
export function parseQuery<S extends z.ZodType>(
  schema: S,
  query: unknown,
  reply: FastifyReply,
): z.infer<S> | null {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue?.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
    const guess = closest(key, known);
    const hint = guess ? `did you mean "${guess}"? ` : "";
    void reply
      .code(400)
      .send({ error: `${key}: no such parameter: ${hint}known parameters: ${known.join(", ")}` });
    return null;
  }
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  void reply.code(400).send({ error: `${where}${issue?.message ?? "invalid parameters"}` });
  return null;
}
