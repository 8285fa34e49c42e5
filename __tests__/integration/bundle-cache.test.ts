import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { createZip } from '../../handlers/zip';
import { copyProject, PROJECT_ROOT } from '../support/project-copy';

/** Runs bundleContactHandler() in a fresh process inside `dir`, with its own temp folder (and so its own cache). */
function bundleIn(dir: string, tempDir: string): { sourceCodeHash: string; zipPath: string } {
  const out = execFileSync(
    process.execPath,
    ['--require', 'tsx/cjs', '-e', "process.stdout.write(JSON.stringify(require('./handlers/bundle.ts').bundleContactHandler()))"],
    { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tempDir }, encoding: 'utf8' },
  );
  return JSON.parse(out);
}

describe('the handler zip cache', () => {
  const project = copyProject('bundle-cache-');
  copyFileSync(join(PROJECT_ROOT, 'package-lock.json'), join(project, 'package-lock.json'));
  const tempDir = mkdtempSync(join(tmpdir(), 'bundle-cache-tmp-'));
  const cacheDir = join(tempDir, 'cdktf-contact-handler', 'cache');
  afterAll(() => [project, tempDir].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  const fresh = bundleIn(project, tempDir);
  const cacheFile = join(cacheDir, readdirSync(cacheDir)[0]);
  // A stand-in zip in the cache record: a later bundle that returns it took the cached path.
  const standIn = createZip([{ name: 'index.js', data: Buffer.from('exports.handler = async () => ({})') }]);
  const tamper = (): void => {
    const record = JSON.parse(readFileSync(cacheFile, 'utf8'));
    writeFileSync(cacheFile, JSON.stringify({ ...record, zipBase64: standIn.toString('base64') }));
  };
  const standInHash = createHash('sha256').update(standIn).digest('base64');

  it('records every file esbuild read, the handler sources and the SDK among them', () => {
    const inputs = Object.keys(JSON.parse(readFileSync(cacheFile, 'utf8')).inputs);
    expect(inputs).toContain(join(project, 'handlers', 'contact', 'index.ts'));
    expect(inputs.some((file) => file.includes(join('@aws-sdk', 'client-dynamodb')))).toBe(true);
  });

  it('reuses the earlier zip when nothing changed', () => {
    tamper();
    expect(bundleIn(project, tempDir).sourceCodeHash).toBe(standInHash);
  });

  it('fingerprints the handler sources by content and the files under node_modules by stat', () => {
    const inputs: Record<string, string> = JSON.parse(readFileSync(cacheFile, 'utf8')).inputs;
    for (const [file, fingerprint] of Object.entries(inputs)) {
      expect(fingerprint).toMatch(file.includes(`${sep}node_modules${sep}`) ? /^stat:\d+:[\d.]+:[\d.]+$/ : /^[0-9a-f]{64}$/);
    }
  });

  it('builds afresh when a file under node_modules was written since the build (its stat differs)', () => {
    tamper();
    const record = JSON.parse(readFileSync(cacheFile, 'utf8'));
    const sdkFile = Object.keys(record.inputs).find((file) => file.includes(join('@aws-sdk', 'client-dynamodb')))!;
    record.inputs[sdkFile] = record.inputs[sdkFile].replace(/:[\d.]+$/, ':1');
    writeFileSync(cacheFile, JSON.stringify(record));
    expect(bundleIn(project, tempDir).sourceCodeHash).toBe(fresh.sourceCodeHash);
  });

  it('builds afresh when a handler source changes', () => {
    tamper();
    appendFileSync(join(project, 'handlers', 'contact', 'validate.ts'), '\n// touched\n');
    expect(bundleIn(project, tempDir).sourceCodeHash).toBe(fresh.sourceCodeHash);
  });

  it('builds afresh when the lock file changes', () => {
    tamper();
    appendFileSync(join(project, 'package-lock.json'), '\n');
    expect(bundleIn(project, tempDir).sourceCodeHash).toBe(fresh.sourceCodeHash);
  });

  it('gives the zip of a build from scratch', () => {
    expect(readFileSync(fresh.zipPath)).toEqual(readFileSync(bundleIn(PROJECT_ROOT, mkdtempSync(join(tmpdir(), 'bundle-cache-other-'))).zipPath));
  });
});

test('a handlers folder reached through a symlink builds the same zip, and its cache records files that exist', () => {
  // handlers/ and shared/ linked into a folder with no node_modules of its own, loaded without resolving the
  // links (--preserve-symlinks): esbuild reads the SDK from the real folder's node_modules.
  const linked = mkdtempSync(join(tmpdir(), 'bundle-linked-'));
  const tempDir = mkdtempSync(join(tmpdir(), 'bundle-linked-tmp-'));
  try {
    for (const folder of ['handlers', 'shared']) symlinkSync(join(PROJECT_ROOT, folder), join(linked, folder), 'dir');
    copyFileSync(join(PROJECT_ROOT, 'package-lock.json'), join(linked, 'package-lock.json'));
    const script = `process.stdout.write(JSON.stringify(require(${JSON.stringify(join(linked, 'handlers', 'bundle.ts'))}).bundleContactHandler()))`;
    const out = execFileSync(process.execPath, ['--preserve-symlinks', '--require', require.resolve('tsx/cjs'), '-e', script], {
      cwd: linked,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tempDir, NODE_PATH: join(PROJECT_ROOT, 'node_modules') },
      encoding: 'utf8',
    });
    const reference = execFileSync(
      process.execPath,
      ['--require', 'tsx/cjs', '-e', "process.stdout.write(require('./handlers/bundle.ts').bundleContactHandler().sourceCodeHash)"],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out).sourceCodeHash).toBe(reference);
    const cacheDir = join(tempDir, 'cdktf-contact-handler', 'cache');
    const inputs = Object.keys(JSON.parse(readFileSync(join(cacheDir, readdirSync(cacheDir)[0]), 'utf8')).inputs);
    expect(inputs.filter((file) => !existsSync(file))).toEqual([]);
  } finally {
    [linked, tempDir].forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  }
});
