import { formatCount } from "../format";
import { PAGE_SIZES } from "./sorting";

export function Pagination(props: {
  page: number;
  pages: number;
  size: number;
  total: number;
  shown: number;
  onPage: (page: number) => void;
  onSize: (size: number) => void;
}) {
  const first = props.total === 0 ? 0 : (props.page - 1) * props.size + 1;
  const last = Math.min(props.total, first + props.shown - 1);
  return (
    <nav className="pagination" data-testid="pagination" aria-label="Pages">
      <span className="pagination-info" data-testid="pagination-info">
        {formatCount(first)}–{formatCount(last)} of {formatCount(props.total)}
      </span>
      <label className="field field-inline">
        <span>Rows</span>
        <select value={props.size} onChange={(event) => props.onSize(Number(event.target.value))}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
      <div className="pagination-buttons">
        <button
          type="button"
          className="button button-secondary"
          data-testid="page-prev"
          disabled={props.page <= 1}
          onClick={() => props.onPage(props.page - 1)}
        >
          ← Previous
        </button>
        <span className="pagination-page">
          Page {formatCount(props.page)} of {formatCount(props.pages)}
        </span>
        <button
          type="button"
          className="button button-secondary"
          data-testid="page-next"
          disabled={props.page >= props.pages}
          onClick={() => props.onPage(props.page + 1)}
        >
          Next →
        </button>
      </div>
    </nav>
  );
}
