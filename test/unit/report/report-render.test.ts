import { parse } from 'csv-parse/sync';
import { computeReport } from '../../../report/kpi';
import { renderReportHtml } from '../../../report/render';
import { CSV_COLUMNS, renderCsv } from '../../../report/render/csv';
import { escapeHtml, formatDuration } from '../../../report/render/html';
import { HOSTILE, hostileReport, ledgerRecord, reportInput } from '../../helpers/report-fixtures';

describe('HTML report', () => {
  it('escapes every value an attacker controls and loads nothing', () => {
    // Prepare
    const data = hostileReport();

    // Act
    const html = renderReportHtml(data);

    // Assess
    expect(html).not.toMatch(/<script|<img|<svg onload|<b>Org/i);
    // No tag carries a src or href, no style fetches anything.
    expect(html).not.toMatch(/<[^>]*\s(src|href)\s*=|url\(|@import|<link|<iframe|<object/i);
    for (const value of Object.values(HOSTILE)) expect(html).toContain(escapeHtml(value));
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    // The three charts are inline SVG drawn by vega-lite.
    expect(html.match(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/g)).toHaveLength(3);
  });

  it('marks every figure with its place in report.json', () => {
    // Prepare
    const data = computeReport(reportInput({ ledger: [ledgerRecord({ alertLatencyMs: 83_000 })] }));

    // Act
    const html = renderReportHtml(data);

    // Assess
    expect(html).toContain(
      `data-kpi="mtta.meanMs" data-format="duration" data-value="83000">1 min 23 s</span>`,
    );
    expect(html).toContain(
      `data-kpi="activity.total.signIns.undocumented" data-format="count" data-value="1">1</span>`,
    );
  });

  it.each([
    [null, 'n/a'],
    [850, '850 ms'],
    [42_400, '42 s'],
    [185_000, '3 min 05 s'],
    [7_440_000, '2 h 04 min'],
  ])('formats %p ms as %p', (ms, text) => {
    // Act / Assess
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('CSV evidence', () => {
  it('writes one row per account × requirement × rule that a CSV reader reads back unchanged', () => {
    // Prepare
    const data = hostileReport();

    // Act
    const rows = parse(renderCsv(data)) as string[][];

    // Assess
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(data.evidence.length + 1);
    const hostile = rows.find((row) => row[0] === '444444444444' && row[5] === 'root-hardware-mfa');
    expect(hostile).toEqual([
      '444444444444',
      HOSTILE.name,
      HOSTILE.ou,
      'Test Benchmark v1.0',
      '1.2',
      'root-hardware-mfa',
      'NON_COMPLIANT',
      HOSTILE.annotation,
      '2026-09-30T20:00:00Z',
      'true',
    ]);
  });

  it('neutralizes a cell a spreadsheet would run as a formula', () => {
    // Prepare
    const data = computeReport(
      reportInput({
        accounts: [{ accountId: '444444444444', name: '=cmd|" /C calc"!A0', ouPath: 'Root' }],
      }),
    );

    // Act
    const rows = parse(renderCsv(data)) as string[][];

    // Assess
    expect(rows[1]?.[1]).toBe(`'=cmd|" /C calc"!A0`);
  });
});
