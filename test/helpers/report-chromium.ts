/**
 * Debian's Chromium driven by playwright-core, for the report's browser test. The flags keep a headless run
 * quiet on a closed network: without the background-networking ones Chromium keeps opening connections
 * (component updates, sync, field trials) that the sandboxed network refuses. A fresh profile every launch.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.ROOTGUARD_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_MISSING = `Chromium not found at ${CHROMIUM_PATH}: run apt-get install -y chromium (Debian's package; .ci/run installs it)`;

export interface LaunchedChromium {
  /** A persistent context on a fresh profile directory (Playwright's way of passing --user-data-dir). */
  context: BrowserContext;
  close: () => Promise<void>;
}

export async function launchChromium(): Promise<LaunchedChromium> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(CHROMIUM_MISSING);
  const profile = mkdtempSync(join(tmpdir(), 'rootguard-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
