import { sqlLiteral } from "../../core/sql.js";
import { MONEY } from "../../store/billing-columns.js";
import { ident, type SourceColumns } from "./format.js";

/** The present source columns, with typed, NULL-safe accessors (an absent column reads as NULL). */
export class Source {
  constructor(readonly columns: SourceColumns) {}

  has(name: string): boolean {
    return this.columns.has(name);
  }

  /** Text with '' as NULL (Parquet exports write '' for "no value"). */
  text(name: string): string {
    return this.has(name) ? `NULLIF(CAST(${ident(name)} AS VARCHAR), '')` : "NULL";
  }

  money(name: string): string {
    return this.has(name) ? `CAST(${ident(name)} AS ${MONEY})` : "NULL";
  }

  /** A rate: CUR types rates as strings, so one that is not a number is NULL rather than a failed load. */
  rate(name: string): string {
    return this.has(name) ? `TRY_CAST(${this.text(name)} AS ${MONEY})` : "NULL";
  }

  timestamp(name: string): string {
    return this.has(name) ? `CAST(${ident(name)} AS TIMESTAMP)` : "NULL";
  }

  /**
   * The column as MAP(VARCHAR, VARCHAR): a Parquet MAP as is, CSV JSON text parsed. Text that is not
   * a JSON object reads as NULL: product attributes and tags are descriptive, not money.
   */
  map(name: string): string {
    if (!this.has(name)) return "NULL";
    const column = ident(name);
    const type = this.columns.get(name) ?? "VARCHAR";
    if (type === "MAP(VARCHAR, VARCHAR)") return column;
    if (type.startsWith("MAP")) return `CAST(${column} AS MAP(VARCHAR, VARCHAR))`;
    const text = type.startsWith("STRUCT")
      ? `CAST(to_json(${column}) AS VARCHAR)`
      : `CAST(${column} AS VARCHAR)`;
    return `CASE WHEN json_valid(${text}) THEN CASE WHEN json_type(CAST(${text} AS JSON)) = 'OBJECT'
      THEN CAST(CAST(${text} AS JSON) AS MAP(VARCHAR, VARCHAR)) END END`;
  }

  /** One attribute of a map column; JSON text is only path-read, which is cheaper than a full parse. */
  mapValue(name: string, key: string): string {
    if (!this.has(name)) return "NULL";
    const type = this.columns.get(name) ?? "VARCHAR";
    if (type.startsWith("MAP")) return `NULLIF((${this.map(name)})[${sqlLiteral(key)}], '')`;
    const text = `CAST(${type.startsWith("STRUCT") ? `to_json(${ident(name)})` : ident(name)} AS VARCHAR)`;
    const path = sqlLiteral(`$."${key}"`);
    return `CASE WHEN json_valid(${text}) THEN NULLIF(json_extract_string(${text}, ${path}), '') END`;
  }

  /** Legacy CUR's one-column-per-tag layout, as a map keyed like CUR 2.0 (resource_tags_user_team -> user_team). */
  legacyTagMap(): string | undefined {
    const prefix = "resource_tags_";
    const names = [...this.columns.keys()].filter(
      (name) => name.startsWith(prefix) && name.length > prefix.length,
    );
    if (names.length === 0) return undefined;
    const entries = names.map(
      (name) => `{'key': ${sqlLiteral(name.slice(prefix.length))}, 'value': ${this.text(name)}}`,
    );
    return `map_from_entries([${entries.join(", ")}])`;
  }
}

/** ServiceName: the product's name in CUR 2.0's map or the legacy column, else the product code. */
export function serviceName(s: Source): string {
  return `coalesce(${s.mapValue("product", "product_name")}, ${s.text("product_product_name")}, ${s.text("line_item_product_code")})`;
}

/** RegionId: product_region_code, else the product map's region (legacy: product_region). */
export function regionId(s: Source): string {
  return `coalesce(${s.text("product_region_code")}, ${s.mapValue("product", "region")}, ${s.text("product_region")})`;
}
