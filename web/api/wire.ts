import type { Decimal } from "../../core/money.js";

/**
 * How the routes are held to web/contract.ts, the types the page reads: a drift between what a route
 * sends and what the page expects is a type error on the server's side.
 *
 * The reply serializer (toJson) writes a Decimal as an exact number literal, so a route may build a
 * contract's number from a Decimal. A body built in the route is checked with
 * `body satisfies Sendable<Contract>` (a missing, mistyped or, in the literal, extra field is an error);
 * a store type sent as it is, with `Same<Wire<StoreType>, Contract>` (every field, both ways).
 */

/** What a value of the contract's type C may be built from before toJson writes it. */
export type Sendable<C> = C extends number
  ? number | Decimal
  : C extends readonly (infer I)[]
    ? Sendable<I>[]
    : C extends object
      ? { [K in keyof C]: Sendable<C[K]> }
      : C;

/** The type of T once toJson has written it and JSON.parse read it back. */
export type Wire<T> = T extends Decimal
  ? number
  : T extends readonly (infer I)[]
    ? Wire<I>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/**
 * True when A and B are the same type (not merely assignable: an optional field on one side only, or
 * a field typed `any`, is a difference).
 */
export type Same<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

/** Compiles only when its argument is true: `export type _ = Holds<Same<A, B>>`. */
export type Holds<T extends true> = T;
