import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLAN_FIXTURES, loadPlan } from '../fixtures/markdown-tables';
import { PROJECT_ROOT, copyProject, synthExampleIn } from '../support/project-copy';

/* `npm run review` as CI runs it: node --require tsx/cjs scripts/review.ts [options]. */

const project = copyProject('review-cli-');
synthExampleIn(project);
const stackDir = join(project, 'cdktf.out', 'stacks', 'contact-site');
const scratch = mkdtempSync(join(tmpdir(), 'review-cli-out-'));
afterAll(() => [project, scratch].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function review(args: string[], cwd = PROJECT_ROOT) {
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', join('scripts', 'review.ts'), ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--stack-dir, --plan and --out: writes the report with the plan, says so on stderr', () => {
  const out = join(scratch, 'nested', 'review.md');
  const result = review(['--stack-dir', stackDir, '--plan', join(PLAN_FIXTURES, 'terraform__runner__plan_change_keys__tfplan.json'), '--out', out]);
  expect(result.stderr).toContain(`review: wrote ${out}`);
  expect(result.status).toBe(0);
  expect(result.stdout).toBe('');
  const markdown = readFileSync(out, 'utf8');
  expect(markdown).toContain('# Review of stack `contact-site`');
  expect(markdown).toContain('From `terraform__runner__plan_change_keys__tfplan.json`, Terraform 1.4.6: 0 to create, 2 to update in place');
  expect(markdown).toContain('hash verified');
});

test('without --out the report goes to stdout; --opt=value works too', () => {
  const result = review([`--stack-dir=${stackDir}`]);
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^# Review of stack `contact-site`\n/);
  expect(result.stdout).not.toContain('## Plan');
});

test('--strict fails on a stateful replacement; without it the report is still written', () => {
  const plan = join(PLAN_FIXTURES, 'terraform__runner__plan_with_deleted_resources__tfplan.json');
  const strict = review(['--stack-dir', stackDir, '--plan', plan, '--strict']);
  expect(strict.status).toBe(1);
  expect(strict.stderr).toContain('review: warning: aws_secretsmanager_secret.default will be REPLACED');
  expect(strict.stdout).toContain('## Plan');
});

test('usage and input errors exit 2 with a message', () => {
  expect(review(['--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('Usage: npm run review -- [options]') });
  expect(review(['--bogus'])).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown argument --bogus') });
  expect(review(['--max-chars', '12'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--max-chars needs a whole number') });
  expect(review(['--plan'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--plan needs a value') });
  expect(review(['--stack-dir', scratch])).toMatchObject({ status: 2, stderr: expect.stringContaining('cdk.tf.json not found') });
  const state = join(scratch, 'state.json');
  writeFileSync(state, JSON.stringify({ format_version: '1.0', values: { root_module: {} } }));
  expect(review(['--stack-dir', stackDir, '--plan', state])).toMatchObject({ status: 2, stderr: expect.stringContaining('not of the state') });
  expect(review(['--stack-dir', stackDir, '--plan', join(scratch, 'missing.json')])).toMatchObject({
    status: 2,
    stderr: expect.stringContaining('cannot read the plan'),
  });
});

test('a report that would carry a credential is not written (exit 3)', () => {
  // Derived from a real fixture: an update whose new value holds an access key id (assembled here, never a literal).
  const plan = loadPlan('terraform__runner__plan_change_keys__tfplan.json');
  plan.resource_changes[0].change.after.description = ['AK', 'IA', 'Q3EGRIYBMZXTWKVN'].join('');
  const file = join(scratch, 'leaky-plan.json');
  writeFileSync(file, JSON.stringify(plan));
  const out = join(scratch, 'leaky.md');
  const result = review(['--stack-dir', stackDir, '--plan', file, '--out', out]);
  expect(result.status).toBe(3);
  expect(result.stderr).toMatch(/credential-like value\(s\); not written:\n {2}line \d+: aws-access-key-id AKIA… \(20 chars\)/);
  expect(existsSync(out)).toBe(false);
});

test('by default it synthesizes the app first (cdktf.out of the project), then reviews it', () => {
  const fresh = copyProject('review-cli-default-');
  try {
    for (const dir of ['review', 'scripts', 'checks']) cpSync(join(PROJECT_ROOT, dir), join(fresh, dir), { recursive: true });
    expect(existsSync(join(fresh, 'cdktf.out'))).toBe(false);
    const result = review(['--out', 'review.md'], fresh);
    expect(result.status).toBe(0);
    expect(readFileSync(join(fresh, 'cdktf.out', 'stacks', 'contact-site', 'cdk.tf.json'), 'utf8')).toBe(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
    expect(readFileSync(join(fresh, 'review.md'), 'utf8')).toContain('## Handler zip');
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});

test('--checkov-config writes the config and the stack copy it names, relative to the folder npm was run from', () => {
  const userFolder = mkdtempSync(join(scratch, 'user-'));
  const result = spawnSync(
    process.execPath,
    ['--require', 'tsx/cjs', join('scripts', 'review.ts'), '--stack-dir', stackDir, '--checkov-config', 'ci/checkov.yaml'],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CHECKPOINT_DISABLE: '1', INIT_CWD: userFolder },
      encoding: 'utf8',
    },
  );
  expect(result.status).toBe(0);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(
    /^review: wrote ci\/checkov\.yaml \(\d+ checkov check\(s\) skipped by design\) and ci\/checkov\.tf\.json; run: checkov --config-file ci\/checkov\.yaml\n$/,
  );
  const config = readFileSync(join(userFolder, 'ci', 'checkov.yaml'), 'utf8');
  expect(config).toContain('file:\n  - "ci/checkov.tf.json"\n');
  expect(config).toContain('  - "CKV_AWS_117:(^|/)checkov\\\\.tf\\\\.json$"\n');
  const copy = JSON.parse(readFileSync(join(userFolder, 'ci', 'checkov.tf.json'), 'utf8'));
  expect(copy.terraform.required_version).toBeUndefined();
  expect(Object.keys(copy.resource)).toEqual(Object.keys(JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')).resource));
  expect(review(['--stack-dir', stackDir, '--checkov-config', 'x.yaml', '--plan', 'p.json'])).toMatchObject({
    status: 2,
    stderr: expect.stringContaining('does not take --plan, --out or --strict'),
  });
  expect(review(['--checkov-config'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--checkov-config needs a value') });
});
