/**
 * SQL shared by the commitment descriptors (reservations, Savings Plans): their attributes read as text,
 * and the term word from a length in seconds. Reservations and Savings Plans are sold for one or three
 * years of 365 days (31,536,000 and 94,608,000 seconds); a day's slack either way absorbs a plan whose
 * length an API rounds.
 */

/** An attribute of the inventory row `r` as text (NULL where absent). */
export function attributeText(name: string): string {
  return `json_extract_string(r.attributes, '$.${name}')`;
}

/** '1yr' or '3yr' from the length in seconds held by an attribute; NULL for any other length. */
export function termFromSeconds(name: string): string {
  const seconds = `TRY_CAST(${attributeText(name)} AS BIGINT)`;
  return `CASE WHEN abs(${seconds} - 31536000) <= 86400 THEN '1yr'
    WHEN abs(${seconds} - 94608000) <= 86400 THEN '3yr' END`;
}
