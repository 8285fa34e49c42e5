import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildContactHandlerScript } from '../../handlers/bundle';
import { SecretFinding, findSecrets, isBinary } from '../../review/secrets';
import { PROJECT_ROOT, copyProject, synthExampleIn } from '../support/project-copy';

/*
 * No credential in the repository or in what it synthesizes. The rules and their look-alikes are tested in
 * secrets-rules.test.ts; known non-secrets (public test data) are listed by fingerprint in
 * fixtures/secrets-allowlist.json.
 */

interface AllowEntry {
  readonly path: string;
  readonly rule: string;
  readonly fingerprint: string;
  readonly reason: string;
}
const ALLOWLIST: readonly AllowEntry[] = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'secrets-allowlist.json'), 'utf8')).allow;

const isAllowed = (f: SecretFinding): boolean => ALLOWLIST.some((a) => a.path === f.fileName && a.rule === f.rule && a.fingerprint === f.fingerprint);
const describeFinding = (f: SecretFinding): string => `${f.fileName}:${f.line}:${f.column} ${f.rule} ${f.redacted} (fingerprint ${f.fingerprint})`;

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 })
    .toString('utf8')
    .split('\0')
    .filter((file) => file !== '');
}

function scanFile(path: string, label: string): SecretFinding[] {
  const content = readFileSync(path);
  return isBinary(content) ? [] : findSecrets(content.toString('utf8'), label);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isFile())
    .sort();
}

describe("the repository's tracked files", () => {
  const files = trackedFiles();
  const findings = files
    .filter((file) => existsSync(join(PROJECT_ROOT, file)) && statSync(join(PROJECT_ROOT, file)).isFile())
    .flatMap((file) => scanFile(join(PROJECT_ROOT, file), file));

  it('are listed by git (the scan has something to scan)', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'main.ts', 'handlers/local-dynamodb.ts']));
  });

  it('hold nothing that looks like a credential, except the allowlisted public test values', () => {
    expect(findings.filter((f) => !isAllowed(f)).map(describeFinding)).toEqual([]);
  });

  it('every allowlist entry names a tracked file, says why, and still matches a finding (no stale entries)', () => {
    for (const entry of ALLOWLIST) {
      expect(entry.reason.length).toBeGreaterThan(20);
      if (files.includes(entry.path)) {
        expect(findings.some((f) => f.fileName === entry.path && f.rule === entry.rule && f.fingerprint === entry.fingerprint)).toBe(true);
      }
    }
  });
});

describe('the synthesized stack', () => {
  const dir = copyProject('secrets-scan-');
  synthExampleIn(dir);
  const outDir = join(dir, 'cdktf.out');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('cdk.tf.json, the manifest and every text asset hold no credential', () => {
    const files = filesUnder(outDir);
    expect(files.map((f) => relative(outDir, f))).toContain(join('stacks', 'contact-site', 'cdk.tf.json'));
    const findings = files.flatMap((file) => scanFile(file, relative(outDir, file)));
    expect(findings.map(describeFinding)).toEqual([]);
  });

  it("the bundled handler script (the zip's index.js, SDK included) holds no credential", () => {
    const script = Buffer.from(buildContactHandlerScript()).toString('utf8');
    expect(script.length).toBeGreaterThan(10_000);
    expect(findSecrets(script, 'contact-handler.zip/index.js').map(describeFinding)).toEqual([]);
  });
});
