import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './support/project-copy';

/* The project's own CI workflow, read as text (no YAML parser among the dependencies). */

const workflow = readFileSync(join(PROJECT_ROOT, '.github', 'workflows', 'ci.yml'), 'utf8');
const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const steps = workflow.split('\n').filter((line) => /^ {6}- /.test(line));

test("runs the README's test command on Node 20 and 22, after a clean install", () => {
  const testCommand = /^npm ci && (npm test)\s/m.exec(readme)?.[1];
  expect(testCommand).toBe('npm test');
  expect(workflow).toMatch(/^ {8}node: \[20, 22\]$/m);
  expect(workflow).toContain('container: node:${{ matrix.node }}-bookworm');
  const install = steps.findIndex((line) => line.includes('run: npm ci'));
  const test = steps.findIndex((line) => line.trim() === `- run: ${testCommand}`);
  expect(install).toBeGreaterThan(-1);
  expect(test).toBeGreaterThan(install);
});

test('caches Chromium and the provider/toolchain folders before the tests run, keyed by what builds them', () => {
  const cacheOf = (path: string) => workflow.indexOf(path);
  const testStep = workflow.indexOf('- run: npm test');
  for (const path of ['/var/cache/apt/archives/*.deb', '/github/home/.cache/cdktf-contact-site', '/github/home/.cache/terraform-plugins']) {
    expect(cacheOf(path)).toBeGreaterThan(-1);
    expect(cacheOf(path)).toBeLessThan(testStep);
  }
  expect(workflow).toContain("hashFiles('tools/**/go.sum'");
  // scripts/python-env.js makes the moto/checkov venv with `python3 -m venv`, which Debian ships apart.
  expect(workflow.indexOf('apt-get install -y -qq --no-install-recommends python3-venv')).toBeGreaterThan(-1);
  expect(workflow.indexOf('python3-venv')).toBeLessThan(testStep);
});

test('reads the repository only, and stops within the 90 minutes a run may take', () => {
  expect(workflow).toMatch(/^permissions:\n {2}contents: read\n\n/m);
  expect(workflow).toMatch(/timeout-minutes: 90$/m);
});
