/**
 * The HTML report: one self-contained file. Inline CSS, the charts as inline SVG (drawn by vega-lite, see
 * svg.ts), no script, no font, no image or link to fetch; a Content-Security-Policy that forbids every fetch
 * backs that up, so even a value that slipped past escaping could not load anything. Print CSS keeps sections
 * whole so the page prints to PDF cleanly.
 *
 * Every value that comes from data (account and OU names, annotations, rule ids, requirement titles) passes
 * through `escapeHtml`; account names and annotations are chosen by the administrators of member accounts.
 * Every KPI figure carries `data-kpi` (its path in report.json) and `data-value` (the raw number), so a test
 * can check the page against the JSON.
 */
import type { Coverage, ReportData, ReportStatus } from '../kpi';

/** Text and attribute values (double- or single-quoted): the five characters HTML gives meaning to. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function formatPercent(percent: number | null): string {
  return percent === null ? 'n/a' : `${percent} %`;
}

/** 850 ms, 42 s, 3 min 05 s, 2 h 04 min. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'n/a';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** 2026-07-01 00:00 UTC. */
const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export const formatCount = (n: number | null): string => (n === null ? 'n/a' : String(n));

type Format = 'percent' | 'duration' | 'count';
const FORMATS: Record<Format, (value: number | null) => string> = {
  percent: formatPercent,
  duration: formatDuration,
  count: formatCount,
};

/** The figure at `path` in report.json, formatted as the page shows it. */
export function formatKpi(format: Format, value: number | null): string {
  return FORMATS[format](value);
}

/** A figure the browser test compares with report.json. */
function figure(path: string, value: number | null, format: Format, className?: string): string {
  const cls = className ? ` class="${className}"` : '';
  return `<span${cls} data-kpi="${escapeHtml(path)}" data-format="${format}" data-value="${value === null ? 'null' : value}">${escapeHtml(formatKpi(format, value))}</span>`;
}

const STATUS_CLASS: Record<ReportStatus, string> = {
  COMPLIANT: 'ok',
  NON_COMPLIANT: 'bad',
  NOT_APPLICABLE: 'na',
  INSUFFICIENT_DATA: 'warn',
  NOT_EVALUATED: 'warn',
  NOT_COVERED: 'na',
};
const status = (value: ReportStatus) =>
  `<span class="status ${STATUS_CLASS[value]}">${escapeHtml(value.replace(/_/g, ' '))}</span>`;

interface Card {
  title: string;
  path: string;
  value: number | null;
  format: Format;
  target: string;
  met: boolean | null;
}

function cards(data: ReportData): Card[] {
  const hardware = data.mfa.hardware.organization;
  const list: Card[] = [
    {
      title: 'Root hardware MFA coverage',
      path: 'mfa.hardware.organization.percent',
      value: hardware.percent,
      format: 'percent',
      target: 'target 100 %',
      met: hardware.percent === null ? null : hardware.percent >= 100,
    },
  ];
  if (data.mfa.backup) {
    const backup = data.mfa.backup.organization;
    list.push({
      title: 'Root backup MFA device coverage',
      path: 'mfa.backup.organization.percent',
      value: backup.percent,
      format: 'percent',
      target: 'target 100 %',
      met: backup.percent === null ? null : backup.percent >= 100,
    });
  }
  const total = data.activity.total;
  list.push(
    {
      title: 'Undocumented root sign-ins',
      path: 'activity.total.signIns.undocumented',
      value: total.signIns.undocumented,
      format: 'count',
      target: 'target 0',
      met: total.signIns.undocumented === 0,
    },
    {
      title: 'Documented root sign-ins (break-glass)',
      path: 'activity.total.signIns.documented',
      value: total.signIns.documented,
      format: 'count',
      target: 'inside a break-glass window',
      met: null,
    },
    {
      title: 'Undocumented root API calls',
      path: 'activity.total.apiCalls.undocumented',
      value: total.apiCalls.undocumented,
      format: 'count',
      target: 'target 0',
      met: total.apiCalls.undocumented === 0,
    },
    {
      title: 'Mean time to alert',
      path: 'mtta.meanMs',
      value: data.mtta.meanMs,
      format: 'duration',
      target: `target < ${data.mtta.targetMs / 60_000} min`,
      met: data.mtta.meetsTarget,
    },
    {
      title: `Accounts not evaluated in ${data.evaluationCoverage.windowHours} h`,
      path: 'evaluationCoverage.accountsNotEvaluated',
      value: data.evaluationCoverage.accountsNotEvaluated,
      format: 'count',
      target: 'target 0',
      met: data.evaluationCoverage.accountsNotEvaluated === 0,
    },
  );
  return list;
}

const STYLE = `
:root { color-scheme: light; --ok: #2e7d32; --bad: #c0392b; --warn: #b26a00; --na: #666; --line: #d8dde3; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d232a; margin: 0;
  background: #f5f7f9; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
header h1 { font-size: 22px; margin: 0 0 4px; }
header p { margin: 2px 0; color: #4a5560; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 16px 20px; margin: 16px 0; }
h2 { font-size: 17px; margin: 0 0 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-left: 5px solid var(--na); border-radius: 4px; padding: 10px 12px; }
.card.met { border-left-color: var(--ok); } .card.missed { border-left-color: var(--bad); }
.card h3 { font-size: 12px; font-weight: 600; margin: 0; color: #4a5560; text-transform: uppercase; letter-spacing: .02em; }
.card .value { font-size: 26px; font-weight: 700; display: block; margin: 4px 0 2px; }
.card .target { font-size: 12px; color: #4a5560; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 12px; }
figure { margin: 0; } figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f4; font-weight: 600; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; white-space: nowrap; } .ok { color: var(--ok); } .bad { color: var(--bad); }
.warn { color: var(--warn); } .na { color: var(--na); }
.annotation { color: #4a5560; font-size: 12px; overflow-wrap: anywhere; }
.notes li { color: #4a5560; }
@media print {
  @page { size: A4; margin: 14mm; }
  body { background: #fff; font-size: 11px; }
  main { max-width: none; padding: 0; }
  section { border: none; padding: 0; margin: 0 0 14px; break-inside: avoid-page; }
  section.long { break-inside: auto; }
  tr, .card, figure { break-inside: avoid; }
  thead { display: table-header-group; }
  .charts { grid-template-columns: 1fr 1fr; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

function coverageTable(coverage: Coverage, prefix: string): string {
  const rows = coverage.byOu
    .map(
      (ou, index) => `<tr><td>${escapeHtml(ou.ouPath)}</td>
<td class="n">${figure(`${prefix}.byOu.${index}.percent`, ou.percent, 'percent')}</td>
<td class="n">${figure(`${prefix}.byOu.${index}.covered`, ou.covered, 'count')}</td>
<td class="n">${figure(`${prefix}.byOu.${index}.applicable`, ou.applicable, 'count')}</td>
<td class="n">${figure(`${prefix}.byOu.${index}.notEvaluated`, ou.notEvaluated, 'count')}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th>OU (with its child OUs)</th><th class="n">Coverage</th><th class="n">Covered</th>
<th class="n">Applicable accounts</th><th class="n">Not evaluated</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export interface HtmlCharts {
  quarterlyTrend: string;
  mttaDistribution: string;
  coveragePerOu: string;
}

export function renderHtml(data: ReportData, charts: HtmlCharts): string {
  const orgName = data.organization.name
    ? `${data.organization.name} (${data.organization.id})`
    : data.organization.id;
  const cardHtml = cards(data)
    .map(
      (card) => `<div class="card ${card.met === null ? '' : card.met ? 'met' : 'missed'}">
<h3>${escapeHtml(card.title)}</h3>${figure(card.path, card.value, card.format, 'value')}
<span class="target">${escapeHtml(card.target)}</span></div>`,
    )
    .join('\n');

  const quarterRows = data.activity.byQuarter
    .map((q, i) => {
      const p = `activity.byQuarter.${i}`;
      return `<tr><td>${escapeHtml(q.quarter)}</td>
<td class="n">${figure(`${p}.signIns.undocumented`, q.signIns.undocumented, 'count')}</td>
<td class="n">${figure(`${p}.signIns.documented`, q.signIns.documented, 'count')}</td>
<td class="n">${figure(`${p}.signIns.failed`, q.signIns.failed, 'count')}</td>
<td class="n">${figure(`${p}.signIns.mfaUnknown`, q.signIns.mfaUnknown, 'count')}</td>
<td class="n">${figure(`${p}.apiCalls.undocumented`, q.apiCalls.undocumented, 'count')}</td>
<td class="n">${figure(`${p}.apiCalls.documented`, q.apiCalls.documented, 'count')}</td></tr>`;
    })
    .join('\n');

  const mtta = data.mtta;
  const mttaList = (['meanMs', 'p50Ms', 'p95Ms', 'maxMs'] as const)
    .map(
      (key) =>
        `<tr><th>${escapeHtml({ meanMs: 'Mean', p50Ms: 'p50', p95Ms: 'p95', maxMs: 'Max' }[key])}</th>
<td class="n">${figure(`mtta.${key}`, mtta[key], 'duration')}</td></tr>`,
    )
    .join('\n');

  const hardwareStatus = new Map(data.mfa.hardware.byAccount.map((a) => [a.accountId, a.status]));
  const backupStatus = new Map((data.mfa.backup?.byAccount ?? []).map((a) => [a.accountId, a.status]));
  const accountRows = data.activity.byAccount
    .map((a, i) => {
      const p = `activity.byAccount.${i}`;
      const hw = hardwareStatus.get(a.accountId);
      const bk = backupStatus.get(a.accountId);
      return `<tr><td>${escapeHtml(a.name)}<br><span class="annotation">${escapeHtml(a.accountId)}</span></td>
<td>${escapeHtml(a.ouPath)}</td><td>${hw ? status(hw) : ''}</td>${data.mfa.backup ? `<td>${bk ? status(bk) : ''}</td>` : ''}
<td class="n">${figure(`${p}.signIns.undocumented`, a.signIns.undocumented, 'count')}</td>
<td class="n">${figure(`${p}.signIns.documented`, a.signIns.documented, 'count')}</td>
<td class="n">${figure(`${p}.apiCalls.undocumented`, a.apiCalls.undocumented, 'count')}</td>
<td class="n">${figure(`${p}.apiCalls.documented`, a.apiCalls.documented, 'count')}</td></tr>`;
    })
    .join('\n');

  const coverageRows = data.evaluationCoverage.byRule
    .map((rule, i) => {
      const missing =
        rule.notEvaluated.length === 0
          ? '<span class="ok">every account</span>'
          : rule.notEvaluated
              .map(
                (a) =>
                  `${escapeHtml(a.name)} (${escapeHtml(a.accountId)})${a.lastEvaluated ? `, last ${escapeHtml(a.lastEvaluated)}` : ', never'}`,
              )
              .join('<br>');
      return `<tr><td>${escapeHtml(rule.ruleId)}</td>
<td class="n">${figure(`evaluationCoverage.byRule.${i}.evaluated`, rule.evaluated, 'count')}</td>
<td class="annotation">${missing}</td></tr>`;
    })
    .join('\n');

  const requirementRows = data.requirements
    .map(
      (r) => `<tr><td>${escapeHtml(r.label)}</td><td>${escapeHtml(r.id)}</td><td>${escapeHtml(r.title)}</td>
<td>${r.ruleIds.length > 0 ? r.ruleIds.map(escapeHtml).join('<br>') : `<span class="annotation">${escapeHtml(r.note ?? '')}</span>`}</td>
<td>${status(r.status)}</td><td class="n">${r.compliant}</td><td class="n">${r.nonCompliant}</td><td class="n">${r.notEvaluated}</td></tr>`,
    )
    .join('\n');

  const nonCompliant = data.evidence.filter((row) => row.status === 'NON_COMPLIANT');
  const seen = new Set<string>();
  const findingRows = nonCompliant
    .filter((row) => {
      const key = `${row.accountId}|${row.ruleId}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(
      (row) =>
        `<tr><td>${escapeHtml(row.accountName)}<br><span class="annotation">${escapeHtml(row.accountId)}</span></td>
<td>${escapeHtml(row.ruleId)}</td><td class="annotation">${escapeHtml(row.annotation)}</td></tr>`,
    )
    .join('\n');

  const notes = data.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rootguard report: ${escapeHtml(orgName)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>Root posture report: ${escapeHtml(orgName)}</h1>
<p>Period from <strong>${escapeHtml(utc(data.period.since))}</strong> up to <strong>${escapeHtml(utc(data.period.until))}</strong>
(${escapeHtml(data.period.quarters.join(', '))}) · compliance as of ${escapeHtml(utc(data.asOf))} ·
${figure('accounts', data.accounts, 'count')} accounts</p>
<p>Compliance: ${escapeHtml(data.sources.compliance)} · Root activity: ${escapeHtml(data.sources.ledger)}</p>
</header>

<section><h2>Key figures</h2><div class="cards">
${cardHtml}
</div></section>

<section><h2>Charts</h2><div class="charts">
<figure aria-label="Root activity per quarter">${charts.quarterlyTrend}</figure>
<figure aria-label="Alert latency distribution">${charts.mttaDistribution}</figure>
<figure aria-label="Hardware MFA coverage per OU">${charts.coveragePerOu}</figure>
</div></section>

<section><h2>Root activity per quarter</h2>
<table><thead><tr><th>Quarter</th><th class="n">Sign-ins, undocumented</th><th class="n">Sign-ins, documented</th>
<th class="n">Failed sign-ins</th><th class="n">Sign-ins, MFA not recorded</th><th class="n">API calls, undocumented</th>
<th class="n">API calls, documented</th></tr></thead><tbody>
${quarterRows}
</tbody></table>
<p class="annotation">Documented: inside a break-glass window recorded by rootguard. Duplicate ledger records ignored:
${figure('activity.duplicatesIgnored', data.activity.duplicatesIgnored, 'count')}.</p></section>

<section><h2>Mean time to alert</h2>
<table><tbody>
${mttaList}
<tr><th>Paged events</th><td class="n">${figure('mtta.count', mtta.count, 'count')}</td></tr>
<tr><th>At or over ${mtta.targetMs / 60_000} min</th><td class="n">${figure('mtta.overTarget', mtta.overTarget, 'count')}</td></tr>
<tr><th>Paged without a recorded latency</th><td class="n">${figure('mtta.pagedWithoutLatency', mtta.pagedWithoutLatency, 'count')}</td></tr>
</tbody></table></section>

<section><h2>Root hardware MFA coverage per OU</h2>
${coverageTable(data.mfa.hardware, 'mfa.hardware')}
${data.mfa.backup ? `<h2>Root backup MFA device coverage per OU</h2>${coverageTable(data.mfa.backup, 'mfa.backup')}` : ''}
</section>

<section class="long"><h2>Accounts</h2>
<table><thead><tr><th>Account</th><th>OU</th><th>Hardware MFA</th>${data.mfa.backup ? '<th>Backup MFA</th>' : ''}
<th class="n">Sign-ins, undocumented</th><th class="n">Sign-ins, documented</th><th class="n">API calls, undocumented</th>
<th class="n">API calls, documented</th></tr></thead><tbody>
${accountRows}
</tbody></table></section>

<section class="long"><h2>Non-compliant findings</h2>
${findingRows ? `<table><thead><tr><th>Account</th><th>Rule</th><th>Annotation</th></tr></thead><tbody>${findingRows}</tbody></table>` : '<p class="ok">None.</p>'}
</section>

<section class="long"><h2>Evaluation coverage (last ${data.evaluationCoverage.windowHours} hours)</h2>
<table><thead><tr><th>Rule</th><th class="n">Accounts evaluated</th><th>Not evaluated</th></tr></thead><tbody>
${coverageRows}
</tbody></table></section>

<section class="long"><h2>Framework requirements</h2>
<table><thead><tr><th>Framework</th><th>Requirement</th><th>Title</th><th>Rules</th><th>Status</th>
<th class="n">Compliant</th><th class="n">Non-compliant</th><th class="n">Not evaluated</th></tr></thead><tbody>
${requirementRows}
</tbody></table>
<p class="annotation">One row per account, requirement and rule, with annotations and evaluation times: report.csv.</p></section>

${notes ? `<section><h2>Notes</h2><ul class="notes">${notes}</ul></section>` : ''}
</main>
</body>
</html>
`;
}
