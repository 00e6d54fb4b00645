// The report's stylesheet, inline in the file: system fonts only (nothing to download), muted colours,
// tabular figures, and print rules (A4, no section split across pages where it fits, colours kept).

export const TONES = { up: "#a64b3c", down: "#2e7a58" } as const;

export const STYLE = `
  :root { color-scheme: light; }
  body { margin: 0; background: #f3f4f6; color: #1f2933;
    font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .frame { width: 100%; border-collapse: collapse; }
  .sheet { box-sizing: border-box; max-width: 860px; margin: 24px auto; background: #ffffff; border: 1px solid #e1e4e8;
    border-top: 4px solid #3d6a98; padding: 28px 40px 32px; text-align: left; }
  .eyebrow { margin: 0 0 6px; font-size: 11px; letter-spacing: .08em; text-transform: uppercase; color: #6b7785; }
  h1 { margin: 0; font-size: 24px; font-weight: 600; letter-spacing: -.01em; }
  .subtitle { margin: 4px 0 2px; font-size: 15px; color: #3e4c59; }
  .preamble { margin: 0 0 20px; font-size: 12px; color: #7b8794; }
  table.kpis { width: calc(100% + 16px); border-collapse: separate; border-spacing: 8px 0; margin: 0 -8px 8px; table-layout: fixed; }
  .kpi { background: #f7f8fa; border: 1px solid #e4e7eb; border-radius: 6px; padding: 12px 14px; vertical-align: top; }
  .kpi-label { font-size: 10.5px; letter-spacing: .06em; text-transform: uppercase; color: #6b7785; }
  .kpi-value { margin-top: 4px; font-size: 21px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .kpi-detail { margin-top: 2px; font-size: 12px; color: #52606d; }
  section { margin-top: 26px; }
  h2 { margin: 0 0 10px; padding-bottom: 6px; border-bottom: 1px solid #e4e7eb; font-size: 16px; font-weight: 600; }
  h2 .n { display: inline-block; min-width: 22px; color: #9aa5b1; font-weight: 500; }
  h3 { margin: 14px 0 6px; font-size: 12px; letter-spacing: .04em; text-transform: uppercase; color: #52606d; }
  p { margin: 0 0 10px; }
  figure { margin: 6px 0 14px; }
  table.data { width: 100%; border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
  table.data th { padding: 6px 8px; border-bottom: 1.5px solid #cfd5dc; color: #52606d; font-size: 11px;
    font-weight: 600; letter-spacing: .03em; text-transform: uppercase; text-align: left; vertical-align: bottom; }
  table.data td { padding: 5px 8px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
  table.data tr:nth-child(even) td { background: #fafbfc; }
  table.data .num { text-align: right; white-space: nowrap; }
  table.data .code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11.5px; word-break: break-all; }
  table.data tr.total td { border-top: 1.5px solid #cfd5dc; border-bottom: none; font-weight: 600; background: #ffffff; }
  .muted { color: #7b8794; }
  .strong { font-weight: 600; }
  .up { color: ${TONES.up}; }
  .down { color: ${TONES.down}; }
  .note { margin: 8px 0 0; font-size: 11.5px; color: #7b8794; }
  code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .92em; background: #f3f4f6; padding: 0 3px; border-radius: 3px; }
  footer { margin-top: 30px; padding-top: 10px; border-top: 1px solid #e4e7eb; font-size: 11.5px; color: #7b8794; }
  @media (max-width: 640px) {
    .sheet { padding: 20px 16px; margin: 0; border-left: none; border-right: none; }
    table.kpis, table.kpis tbody, table.kpis tr, table.kpis td { display: block; width: auto; }
    table.kpis { border-spacing: 0; margin: 0 0 8px; }
    .kpi { margin-bottom: 8px; }
  }
  @page { size: A4; margin: 14mm 12mm; }
  @media print {
    body { background: #ffffff; font-size: 12px; }
    .sheet { max-width: none; margin: 0; padding: 0; border: none; }
    section { break-inside: avoid; page-break-inside: avoid; }
    section.long { break-inside: auto; page-break-inside: auto; }
    section.new-page { break-before: page; page-break-before: always; }
    h2, h3, figure { break-after: avoid; page-break-after: avoid; }
    figure, tr { break-inside: avoid; page-break-inside: avoid; }
    thead { display: table-header-group; }
    table.data tr:nth-child(even) td { background: #ffffff; }
  }
`;
