import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findSecrets } from '../review/secrets';
import { PROJECT_ROOT } from './support/project-copy';

/* The example CI workflow, read as text (no YAML parser among the dependencies): what it runs, in order. */

const workflow = readFileSync(join(PROJECT_ROOT, '.github', 'workflows', 'plan.yml'), 'utf8');
const lines = workflow.split('\n');
const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));

/** Index of the first line containing `fragment`; fails when there is none. */
function lineOf(fragment: string): number {
  const index = lines.findIndex((line) => line.includes(fragment));
  if (index === -1) throw new Error(`plan.yml has no line with ${fragment}`);
  return index;
}

test('runs on pull requests with OIDC, read-only contents and PR write permissions only', () => {
  expect(workflow).toMatch(/^on:\n {2}pull_request:/m);
  expect(workflow).toMatch(/^permissions:\n {2}contents: read\n {2}id-token: write.*\n {2}pull-requests: write/m);
});

test('synthesizes, plans, exports the plan as JSON, reviews it and posts the review, in that order', () => {
  const steps = [
    'run: npm ci',
    'run: npx cdktf synth',
    'uses: hashicorp/setup-terraform@',
    'uses: aws-actions/configure-aws-credentials@',
    'terraform -chdir="$STACK_DIR" init -input=false',
    'terraform -chdir="$STACK_DIR" plan -out=tfplan -input=false -lock=false',
    'terraform -chdir="$STACK_DIR" show -json tfplan > plan.json',
    'run: npm run review -- --stack-dir "$STACK_DIR" --plan plan.json --out review.md',
    'uses: marocchino/sticky-pull-request-comment@',
    'path: review.md',
  ].map(lineOf);
  expect(steps).toEqual([...steps].sort((a, b) => a - b));
  expect(workflow).toContain('node-version: 20');
  expect(workflow).toContain('cache: npm');
  expect(workflow).toContain('terraform_wrapper: false');
});

test('points at what the project really has: the stack folder, the npm scripts', () => {
  expect(workflow).toContain('STACK_DIR: cdktf.out/stacks/contact-site');
  expect(readFileSync(join(PROJECT_ROOT, 'main.ts'), 'utf8')).toContain("new ContactSiteStack(app, 'contact-site'");
  expect(packageJson.scripts.review).toBe('node --require tsx/cjs scripts/review.ts');
  expect(packageJson.devDependencies['cdktf-cli']).toBeDefined();
});

test('assumes a role through OIDC from a repository variable: no keys, no secrets in the file', () => {
  expect(workflow).toContain('role-to-assume: ${{ vars.PLAN_ROLE_ARN }}');
  expect(workflow).not.toMatch(/secrets\./);
  expect(workflow).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
  expect(workflow).not.toMatch(/A[KS]IA[A-Z0-9]{16}/);
  expect(findSecrets(workflow, 'plan.yml')).toEqual([]);
});

test('every action is pinned to a major version or a commit; the YAML is indented with spaces only', () => {
  const uses = lines.filter((line) => /^\s*(- )?uses:/.test(line)).map((line) => line.split('uses:')[1]!.trim());
  expect(uses.length).toBeGreaterThanOrEqual(5);
  for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+(\.\d+)*|[0-9a-f]{40})$/);
  expect(workflow).not.toMatch(/\t/);
  for (const line of lines) expect(line.match(/^ */)![0].length % 2).toBe(0);
});

test('optionally runs checkov, after the comment, with the config the review writes and the version the project pins', () => {
  const pinned = /^checkov==(\S+)$/m.exec(readFileSync(join(PROJECT_ROOT, 'tools', 'python', 'requirements.in'), 'utf8'))![1];
  const steps = [
    'uses: marocchino/sticky-pull-request-comment@',
    "if: vars.RUN_CHECKOV == 'true'",
    `install --quiet 'checkov==${pinned}'`,
    'npm run review -- --stack-dir "$STACK_DIR" --checkov-config checkov.yaml',
    '--config-file checkov.yaml',
  ].map(lineOf);
  expect(steps).toEqual([...steps].sort((a, b) => a - b));
});
