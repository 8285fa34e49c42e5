/**
 * bundle.ts: the zip is byte-identical for the same source whatever the time zone, file mtimes or folder,
 * and holds one small, path-free index.js with fixed timestamps and modes.
 */
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  bundleContactHandler,
  buildContactHandlerScript,
  buildContactHandlerZip,
  ESBUILD_TARGET,
  findHandlerEntry,
  LAMBDA_RUNTIME,
} from '../../handlers/bundle';
import { CONTACT_API_RUNTIMES } from '../../constructs/contact-api-props';
import { createZip, crc32, readZip } from '../../handlers/zip';

const ROOT = resolve(__dirname, '..', '..');
const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Builds the zip in a fresh Node process and returns its base64 SHA-256. */
async function hashInChildProcess(handlersDir: string, env: Record<string, string>): Promise<string> {
  const script = join(mkdtempSync(join(tmpdir(), 'bundle-child-')), 'build.ts');
  writeFileSync(
    script,
    `import { createHash } from 'node:crypto';\n` +
      `import { buildContactHandlerZip } from ${JSON.stringify(join(handlersDir, 'bundle'))};\n` +
      `process.stdout.write(createHash('sha256').update(buildContactHandlerZip()).digest('base64'));\n`,
  );
  const { stdout } = await promisify(execFile)(process.execPath, [TSX_CLI, script], {
    cwd: tmpdir(),
    env: { ...process.env, ...env },
  });
  return stdout.trim();
}

function touchAll(dir: string, when: Date): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) touchAll(path, when);
    utimesSync(path, when, when);
  }
}

test('the same zip bytes across time zones, touched files and another folder (fresh processes)', async () => {
  const expected = createHash('sha256').update(buildContactHandlerZip()).digest('base64');

  // A copy of the handler source (and shared/, which it imports) elsewhere, every file touched to a different
  // mtime; its imports resolve through a node_modules link.
  const otherRoot = mkdtempSync(join(tmpdir(), 'elsewhere-'));
  for (const dir of ['handlers', 'shared']) {
    cpSync(join(ROOT, dir), join(otherRoot, dir), { recursive: true });
    touchAll(join(otherRoot, dir), new Date('2031-07-04T12:34:56Z'));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(otherRoot, 'node_modules'), 'dir');

  const hashes = await Promise.all([
    hashInChildProcess(join(ROOT, 'handlers'), { TZ: 'UTC' }),
    hashInChildProcess(join(ROOT, 'handlers'), { TZ: 'Pacific/Auckland' }),
    hashInChildProcess(join(otherRoot, 'handlers'), { TZ: 'America/St_Johns' }),
  ]);
  expect(hashes).toEqual([expected, expected, expected]);
});

test('bundleContactHandler writes the zip and returns its base64 SHA-256 and size; twice gives the same', () => {
  const first = bundleContactHandler({ outDir: mkdtempSync(join(tmpdir(), 'zip-a-')) });
  const second = bundleContactHandler({ outDir: mkdtempSync(join(tmpdir(), 'zip-b-')) });
  const bytes = readFileSync(first.zipPath);
  expect(first.sourceCodeHash).toBe(createHash('sha256').update(bytes).digest('base64'));
  expect(first.sizeBytes).toBe(bytes.length);
  expect(readFileSync(second.zipPath).equals(bytes)).toBe(true);
  expect(second.sourceCodeHash).toBe(first.sourceCodeHash);
  expect(first.sizeBytes).toBeLessThan(120 * 1024);
});

test('the default folder is under the temp dir, named by the hash', () => {
  const bundle = bundleContactHandler();
  expect(bundle.zipPath.startsWith(tmpdir())).toBe(true);
  expect(bundle.zipPath).toContain(Buffer.from(bundle.sourceCodeHash, 'base64').toString('hex').slice(0, 16));
});

test('the zip holds index.js only, with fixed DOS timestamp and mode 0644, and is valid for unzip', () => {
  const zip = buildContactHandlerZip();
  const entries = readZip(zip);
  expect(entries.map((entry) => entry.name)).toEqual(['index.js']);
  expect(entries[0]).toMatchObject({ method: 8, dosTime: 0, dosDate: 0x21, externalAttributes: (0o100644 << 16) >>> 0 });

  const path = join(mkdtempSync(join(tmpdir(), 'zip-check-')), 'handler.zip');
  writeFileSync(path, zip);
  const check = spawnSync('unzip', ['-t', path], { encoding: 'utf8' });
  if (check.error === undefined) expect(check.stdout).toContain('No errors detected');
});

test('the script embeds no absolute path of this machine and exports handler', () => {
  const script = Buffer.from(buildContactHandlerScript()).toString('utf8');
  expect(script).not.toContain(ROOT);
  expect(script).not.toContain(tmpdir() + '/');
  expect(script).not.toMatch(/\/(?:home|Users|work)\//);
  expect(script).not.toMatch(/\bimport\(/);
  expect(script).toMatch(/handler/);
});

test('the SDK can be left to the runtime: a much smaller zip that requires @aws-sdk', () => {
  const script = Buffer.from(buildContactHandlerScript({ sdk: 'external' })).toString('utf8');
  expect(script).toContain('require("@aws-sdk/client-dynamodb")');
  expect(buildContactHandlerZip({ sdk: 'external' }).length).toBeLessThan(10 * 1024);
});

test('the TypeScript entry is bundled (resolved from the module folder, not the working directory)', () => {
  expect(findHandlerEntry()).toBe(join(ROOT, 'handlers', 'contact', 'index.ts'));
});

test('runtime constants agree: the default runtime is accepted, and the bundle targets the oldest accepted one', () => {
  expect(CONTACT_API_RUNTIMES).toContain(LAMBDA_RUNTIME);
  const oldest = Math.min(...CONTACT_API_RUNTIMES.map((runtime) => Number(/^nodejs(\d+)\.x$/.exec(runtime)![1])));
  expect(ESBUILD_TARGET).toBe(`node${oldest}`);
});

describe('zip writer', () => {
  test('entries are sorted and the output ignores input order', () => {
    const a = { name: 'b.txt', data: Buffer.from('bee') };
    const b = { name: 'a/c.txt', data: Buffer.from('sea '.repeat(100)) };
    const zip = createZip([a, b]);
    expect(createZip([b, a]).equals(zip)).toBe(true);
    expect(readZip(zip).map((entry) => [entry.name, Buffer.from(entry.data).toString()])).toEqual([
      ['a/c.txt', 'sea '.repeat(100)],
      ['b.txt', 'bee'],
    ]);
    expect(readZip(zip).map((entry) => entry.method)).toEqual([8, 0]); // tiny entries are stored
  });

  test('crc32 matches the known check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  test('names that could escape the folder are refused', () => {
    expect(() => createZip([{ name: '/etc/passwd', data: Buffer.alloc(1) }])).toThrow(/Invalid zip entry name/);
    expect(() => createZip([{ name: 'a\\b', data: Buffer.alloc(1) }])).toThrow(/Invalid zip entry name/);
  });
});
