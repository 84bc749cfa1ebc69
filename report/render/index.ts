/** Writes report.html, report.csv and report.json into a directory; returns their paths. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ReportData } from '../kpi';
import { coveragePerOuSpec, mttaDistributionSpec, quarterlyTrendSpec } from './charts';
import { renderCsv } from './csv';
import { renderHtml } from './html';
import { renderSvgs } from './svg';

export interface WrittenReport {
  html: string;
  csv: string;
  json: string;
}

export function renderReportHtml(data: ReportData): string {
  const [quarterlyTrend = '', mttaDistribution = '', coveragePerOu = ''] = renderSvgs([
    quarterlyTrendSpec(data),
    mttaDistributionSpec(data),
    coveragePerOuSpec(data),
  ]);
  return renderHtml(data, { quarterlyTrend, mttaDistribution, coveragePerOu });
}

export function writeReport(data: ReportData, outDir: string): WrittenReport {
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const paths = {
    html: join(dir, 'report.html'),
    csv: join(dir, 'report.csv'),
    json: join(dir, 'report.json'),
  };
  writeFileSync(paths.json, `${JSON.stringify(data, null, 2)}\n`);
  writeFileSync(paths.csv, renderCsv(data));
  writeFileSync(paths.html, renderReportHtml(data));
  return paths;
}
