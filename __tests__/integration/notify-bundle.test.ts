/**
 * The notifier's zip (bundleNotifyHandler in bundle.ts): byte-identical across builds, fresh processes and time
 * zones; one small, path-free index.js; its own file, folder and source_code_hash beside the contact handler's.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildHandlerScript, buildNotifyHandlerZip, bundleContactHandler, bundleNotifyHandler, findHandlerEntry } from '../../handlers/bundle';
import { readZip } from '../../handlers/zip';

const ROOT = resolve(__dirname, '..', '..');
const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const work = mkdtempSync(join(tmpdir(), 'notify-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('base64');

/** Builds the notifier's zip from scratch in a fresh Node process and returns its base64 SHA-256. */
async function hashInChildProcess(env: Record<string, string>): Promise<string> {
  const script = join(mkdtempSync(join(work, 'child-')), 'build.ts');
  writeFileSync(
    script,
    `import { createHash } from 'node:crypto';\n` +
      `import { buildNotifyHandlerZip } from ${JSON.stringify(join(ROOT, 'handlers', 'bundle'))};\n` +
      `process.stdout.write(createHash('sha256').update(buildNotifyHandlerZip()).digest('base64'));\n`,
  );
  const { stdout } = await promisify(execFile)(process.execPath, [TSX_CLI, script], { cwd: tmpdir(), env: { ...process.env, ...env } });
  return stdout.trim();
}

test('two builds give the same bytes, here and in fresh processes in other time zones', async () => {
  const zip = buildNotifyHandlerZip();
  expect(buildNotifyHandlerZip().equals(zip)).toBe(true);
  const hashes = await Promise.all([hashInChildProcess({ TZ: 'UTC' }), hashInChildProcess({ TZ: 'Pacific/Auckland' })]);
  expect(hashes).toEqual([sha256(zip), sha256(zip)]);
});

test('bundleNotifyHandler writes notify-handler.zip with its base64 SHA-256 and size; the same again', () => {
  const first = bundleNotifyHandler({ outDir: mkdtempSync(join(work, 'a-')) });
  const second = bundleNotifyHandler({ outDir: mkdtempSync(join(work, 'b-')) });
  const bytes = readFileSync(first.zipPath);
  expect(basename(first.zipPath)).toBe('notify-handler.zip');
  expect(first.sourceCodeHash).toBe(sha256(bytes));
  expect(first.sizeBytes).toBe(bytes.length);
  expect(readFileSync(second.zipPath).equals(bytes)).toBe(true);
  expect(bytes.equals(buildNotifyHandlerZip())).toBe(true); // the cached zip is the zip of a fresh build
  // Small: the SNS client and the handler, well under the contact handler's 120 KB budget.
  expect(first.sizeBytes).toBeLessThan(110 * 1024);
});

test('its own zip, hash and default folder, beside the contact handler’s', () => {
  const notify = bundleNotifyHandler();
  const contact = bundleContactHandler();
  expect(notify.sourceCodeHash).not.toBe(contact.sourceCodeHash);
  expect(notify.zipPath).not.toBe(contact.zipPath);
  expect(notify.zipPath.startsWith(tmpdir())).toBe(true);
  expect(notify.zipPath).toContain(Buffer.from(notify.sourceCodeHash, 'base64').toString('hex').slice(0, 16));
});

test('the zip holds index.js only (fixed time and mode); the script is path-free, exports handler, bundles only the SNS client', () => {
  const entries = readZip(buildNotifyHandlerZip());
  expect(entries.map((entry) => entry.name)).toEqual(['index.js']);
  expect(entries[0]).toMatchObject({ method: 8, dosTime: 0, dosDate: 0x21, externalAttributes: (0o100644 << 16) >>> 0 });
  const script = Buffer.from(entries[0]!.data).toString('utf8');
  expect(script).not.toContain(ROOT);
  expect(script).not.toMatch(/\/(?:home|Users|work)\//);
  expect(script).not.toMatch(/\bimport\(/);
  expect(script).toMatch(/handler/);
  expect(script).not.toMatch(/DynamoDBClient|PutItemCommand/);
});

test('with the SDK left to the runtime, a few KB that require @aws-sdk/client-sns', () => {
  const script = Buffer.from(buildHandlerScript('notify', { sdk: 'external' })).toString('utf8');
  expect(script).toContain('require("@aws-sdk/client-sns")');
  expect(Buffer.byteLength(script)).toBeLessThan(16 * 1024);
});

test('the TypeScript entry is bundled', () => {
  expect(findHandlerEntry('notify')).toBe(join(ROOT, 'handlers', 'notify', 'index.ts'));
  expect(findHandlerEntry()).toBe(join(ROOT, 'handlers', 'contact', 'index.ts'));
});
