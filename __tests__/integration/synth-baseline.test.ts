/**
 * The synthesized cdk.tf.json of every documented configuration, byte for byte, against the copy
 * committed in __tests__/fixtures/synth-baseline/. A refactor must leave it unchanged: a changed
 * address replaces a user's deployed resource, a changed attribute updates it. A deliberate change
 * regenerates the copies in the same commit, so that the diff shows it:
 *
 *   UPDATE_SYNTH_BASELINE=1 npx jest __tests__/integration/synth-baseline.test.ts
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIGURATIONS } from '../terraform/support/configurations';

const BASELINE = join(__dirname, '..', 'fixtures', 'synth-baseline');
const UPDATE = process.env.UPDATE_SYNTH_BASELINE === '1';
const work = mkdtempSync(join(tmpdir(), 'synth-baseline-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const slug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

test.each(CONFIGURATIONS.map((configuration, index) => [configuration.name, index] as const))('%s', (name, index) => {
  const stackDir = CONFIGURATIONS[index]!.synth(join(work, `configuration-${index}`));
  // A stack without a backend gets cdktf's default local one, at an absolute path in the working folder:
  // the copies say <cwd> there, so that they hold on any checkout.
  const synthesized = readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8').split(JSON.stringify(process.cwd()).slice(1, -1)).join('<cwd>');
  const file = join(BASELINE, `${slug(name)}.tf.json`);
  if (UPDATE) {
    mkdirSync(BASELINE, { recursive: true });
    writeFileSync(file, synthesized);
  }
  if (!existsSync(file)) throw new Error(`no baseline for "${name}": run UPDATE_SYNTH_BASELINE=1 npx jest ${__filename}`);
  // toBe on the whole text: jest prints the differing lines.
  expect(synthesized).toBe(readFileSync(file, 'utf8'));
});
