/**
 * The HTML report in a real browser: Debian's Chromium (headless, through playwright-core) opens report.html of
 * the sample organization from disk. Any console error, page error, failed request or request for anything but
 * the file itself fails the test; every KPI figure on the page must equal report.json. Screenshots go to
 * test-output/ (git-ignored); ROOTGUARD_UPDATE_SCREENSHOT=1 also refreshes docs/report.png, the README's.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import type { ReportData } from '../../../report/kpi';
import { writeReport } from '../../../report/render';
import { formatKpi } from '../../../report/render/html';
import {
  CHROMIUM_MISSING,
  CHROMIUM_PATH,
  type LaunchedChromium,
  launchChromium,
} from '../../helpers/report-chromium';
import { HOSTILE, hostileReport, REPO_ROOT, reportSampleOrg } from '../../helpers/report-fixtures';

const OUTPUT = join(REPO_ROOT, 'test-output');
const SAMPLE_DIR = join(OUTPUT, 'report');
const HOSTILE_DIR = join(OUTPUT, 'report-hostile');

/** Everything the page did that a self-contained report must not do. */
interface PageTrouble {
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
  otherRequests: string[];
  dialogs: string[];
}

async function openReport(
  chromium: LaunchedChromium,
  htmlPath: string,
): Promise<{ page: Page; trouble: PageTrouble }> {
  const url = pathToFileURL(htmlPath).href;
  const trouble: PageTrouble = {
    consoleErrors: [],
    pageErrors: [],
    failedRequests: [],
    otherRequests: [],
    dialogs: [],
  };
  const page = await chromium.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') trouble.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => trouble.pageErrors.push(error.message));
  page.on('requestfailed', (request) =>
    trouble.failedRequests.push(`${request.url()} ${request.failure()?.errorText}`),
  );
  page.on('request', (request) => {
    if (request.url() !== url) trouble.otherRequests.push(request.url());
  });
  page.on('dialog', (dialog) => {
    trouble.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, trouble };
}

const NO_TROUBLE: PageTrouble = {
  consoleErrors: [],
  pageErrors: [],
  failedRequests: [],
  otherRequests: [],
  dialogs: [],
};

/** The value at a dotted path of report.json: `activity.byQuarter.0.signIns.undocumented`. */
function at(data: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | null)?.[key], data);
}

describe('the HTML report in Chromium', () => {
  let chromium: LaunchedChromium;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      // One line, no stack: what to install.
      const error = new Error(CHROMIUM_MISSING);
      error.stack = CHROMIUM_MISSING;
      throw error;
    }
    rmSync(SAMPLE_DIR, { recursive: true, force: true });
    const { code, io } = await reportSampleOrg(SAMPLE_DIR);
    if (code !== 0) throw new Error(`rootguard report failed: ${io.err()}`);
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('loads nothing, logs no error, and shows the figures of report.json', async () => {
    // Prepare
    const data = JSON.parse(readFileSync(join(SAMPLE_DIR, 'report.json'), 'utf8')) as ReportData;

    // Act
    const { page, trouble } = await openReport(chromium, join(SAMPLE_DIR, 'report.html'));
    const figures = await page.$$eval('[data-kpi]', (elements) =>
      elements.map((element) => ({
        path: element.getAttribute('data-kpi') ?? '',
        format: element.getAttribute('data-format') ?? '',
        value: element.getAttribute('data-value') ?? '',
        text: element.textContent ?? '',
      })),
    );
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'report.png'), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 1500 });
    await page.screenshot({ path: join(OUTPUT, 'report-top.png') });
    if (process.env.ROOTGUARD_UPDATE_SCREENSHOT === '1') {
      copyFileSync(join(OUTPUT, 'report-top.png'), join(REPO_ROOT, 'docs', 'report.png'));
    }
    const pdf = await page.pdf({ format: 'A4' });
    await page.close();

    // Assess
    expect(trouble).toEqual(NO_TROUBLE);
    expect(figures.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        'mfa.hardware.organization.percent',
        'activity.total.signIns.undocumented',
        'activity.total.signIns.documented',
        'activity.total.apiCalls.undocumented',
        'mtta.meanMs',
        'mtta.p50Ms',
        'mtta.p95Ms',
        'mtta.maxMs',
        'evaluationCoverage.accountsNotEvaluated',
      ]),
    );
    for (const figure of figures) {
      const expected = at(data, figure.path);
      expect({ path: figure.path, value: figure.value }).toEqual({
        path: figure.path,
        value: String(expected),
      });
      expect({ path: figure.path, text: figure.text }).toEqual({
        path: figure.path,
        text: formatKpi(figure.format as 'count', expected as number | null),
      });
    }
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('shows hostile account names and annotations as text and runs none of them', async () => {
    // Prepare
    const written = writeReport(hostileReport(), HOSTILE_DIR);

    // Act
    const { page, trouble } = await openReport(chromium, written.html);
    const text = (await page.textContent('body')) ?? '';
    const injected = await page.$$eval(
      'script, img, iframe, object, [onerror], [onload]',
      (els) => els.length,
    );
    await page.close();

    // Assess
    expect(trouble).toEqual(NO_TROUBLE);
    expect(injected).toBe(0);
    expect(text).toContain(HOSTILE.name);
  });
});
