import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { RequestLogEntry } from '../../preview/api-gateway';
import type { PreviewNotification } from '../../preview/notifications';
import { startPreview, type Preview, type PreviewOptions } from '../../preview/preview';

/**
 * Shared set-up of the browser suites: one preview (synthesized into a temporary cdktf.out) and
 * one headless Debian Chromium per test file; a fresh browser context per test; a screenshot in
 * artifacts/screenshots/ when a test fails.
 */
// The local DynamoDB client would warn about the Node version in every suite.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = resolve(__dirname, '..', '..', 'artifacts', 'screenshots');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. Install Debian's package (apt-get install -y --no-install-recommends chromium, as .ci/run does) or set CHROMIUM_PATH.`,
    );
  }
  // playwright-core gives the browser a fresh temporary --user-data-dir and removes it on close.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface Harness {
  readonly preview: Preview;
  readonly browser: Browser;
  /** Every API request the gateway answered, in order. */
  readonly apiLog: RequestLogEntry[];
  /** Every notification the preview showed (the example is synthesized with NOTIFY_EMAILS set), in order. */
  readonly notifications: PreviewNotification[];
  stop(): Promise<void>;
}

export async function startHarness(options: Omit<PreviewOptions, 'outDir' | 'onRequest' | 'onNotification'> = {}): Promise<Harness> {
  const outDir = mkdtempSync(join(tmpdir(), 'preview-e2e-'));
  const apiLog: RequestLogEntry[] = [];
  const notifications: PreviewNotification[] = [];
  // The synthesized example notifies by email, so that the preview shows what would be sent.
  process.env.NOTIFY_EMAILS ??= 'owner@example.com';
  const preview = await startPreview({ ...options, outDir, onRequest: (entry) => apiLog.push(entry), onNotification: (n) => notifications.push(n) });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await preview.stop();
    throw error;
  }
  return {
    preview,
    browser,
    apiLog,
    notifications,
    async stop() {
      await browser.close();
      await preview.stop();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `body` with a new page in a new context (its own cookies and preflight cache); on failure
 * saves a full-page screenshot named after the test, then rethrows.
 */
export async function withPage(
  browser: Browser,
  testName: string,
  body: (page: Page, context: BrowserContext) => Promise<void>,
  contextOptions: BrowserContextOptions = {},
): Promise<void> {
  const context = await browser.newContext(contextOptions);
  context.setDefaultTimeout(10_000); // fail well inside jest's timeout, so the screenshot is taken
  const page = await context.newPage();
  try {
    await body(page, context);
  } catch (error) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = join(SCREENSHOT_DIR, `${testName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, '')}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}

/** Every item of the table, as plain strings. */
export async function scanTable(client: DynamoDBClient, tableName: string): Promise<Array<Record<string, string>>> {
  const items: Array<Record<string, string>> = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      items.push(Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.S ?? JSON.stringify(v)])));
    }
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items;
}

/**
 * Retries `assertion` until it passes or `timeoutMs` is over (then rethrows its last failure): for
 * what the page shows after asynchronous work.
 */
export async function eventually(assertion: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** A value no other test uses, to find this test's item. */
export function uniqueEmail(tag: string): string {
  return `${tag}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}
