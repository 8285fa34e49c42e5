/**
 * The synthesized cdk.tf.json of every documented configuration, byte for byte, against the copy
 * committed in __tests__/fixtures/synth-baseline/. A refactor must leave it unchanged: a changed
 * address replaces a user's deployed resource, a changed attribute updates it. A deliberate change
 * regenerates the copies in the same commit, so that the diff shows it:
 *
 *   UPDATE_SYNTH_BASELINE=1 npx jest __tests__/integration/synth-baseline.test.ts
 *
 * Apart from the values, the list of every resource and data source address is held on its own in
 * __tests__/fixtures/addresses.json, which a value change leaves alone: a changed address fails with what it
 * does to a deployed stack. A deliberate change of address updates the list in the same commit:
 *
 *   UPDATE_ADDRESSES=1 npx jest __tests__/integration/synth-baseline.test.ts
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { likelyRenames, parseAddress } from '../../review/renames';
import { CONFIGURATIONS } from '../terraform/support/configurations';

const BASELINE = join(__dirname, '..', 'fixtures', 'synth-baseline');
const ADDRESSES = join(__dirname, '..', 'fixtures', 'addresses.json');
const UPDATE = process.env.UPDATE_SYNTH_BASELINE === '1';
const UPDATE_ADDRESSES = process.env.UPDATE_ADDRESSES === '1';
const work = mkdtempSync(join(tmpdir(), 'synth-baseline-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const slug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const synthesizedText = new Map<number, string>();

/** cdk.tf.json of configuration `index`, synthesized once for both tests. */
function synthesized(index: number): string {
  if (!synthesizedText.has(index)) {
    const stackDir = CONFIGURATIONS[index]!.synth(join(work, `configuration-${index}`));
    // A stack without a backend gets cdktf's default local one, at an absolute path in the working folder:
    // the copies say <cwd> there, so that they hold on any checkout.
    synthesizedText.set(index, readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8').split(JSON.stringify(process.cwd()).slice(1, -1)).join('<cwd>'));
  }
  return synthesizedText.get(index)!;
}

const cases = CONFIGURATIONS.map((configuration, index) => [configuration.name, index] as const);

test.each(cases)('cdk.tf.json byte for byte: %s', (name, index) => {
  const file = join(BASELINE, `${slug(name)}.tf.json`);
  if (UPDATE) {
    mkdirSync(BASELINE, { recursive: true });
    writeFileSync(file, synthesized(index));
  }
  if (!existsSync(file)) throw new Error(`no baseline for "${name}": run UPDATE_SYNTH_BASELINE=1 npx jest ${__filename}`);
  // toBe on the whole text: jest prints the differing lines.
  expect(synthesized(index)).toBe(readFileSync(file, 'utf8'));
});

/** Every `type.name` and `data.type.name` of a synthesized stack, sorted. */
function addressesOf(json: string): string[] {
  const doc = JSON.parse(json) as { resource?: Record<string, object>; data?: Record<string, object> };
  const of = (blocks: Record<string, object> | undefined, prefix: string) =>
    Object.entries(blocks ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${prefix}${type}.${name}`));
  return [...of(doc.resource, ''), ...of(doc.data, 'data.')].sort();
}

/** What a changed address list does to a stack deployed from the listed one, one line per address. */
function describeAddressChange(name: string, held: readonly string[], now: readonly string[]): string {
  const gone = held.filter((a) => !now.includes(a));
  const added = now.filter((a) => !held.includes(a));
  const renames = likelyRenames(gone.map(parseAddress), added.map(parseAddress));
  const renamedTo = new Map(renames.map((r) => [r.from, r.to]));
  const lines = [
    `${name}: the Terraform addresses changed. Terraform destroys a deployed object whose address disappears and creates`,
    'one for each new address: in a deployed stack, a renamed construct id or logical name REPLACES the resource',
    '(a table or bucket loses its data; a data source is only read again).',
    ...gone.map((a) => `  - ${a}${renamedTo.has(a) ? `  (renamed to ${renamedTo.get(a)}?)` : ''}`),
    ...added.map((a) => `  + ${a}`),
    'Keep the old address (the construct id), or add a moved block (moveFromId on the renamed resource) and say so in',
    `CHANGELOG.md; then update the list in the same commit: UPDATE_ADDRESSES=1 npx jest ${__filename}`,
  ];
  return lines.join('\n');
}

test.each(cases)('the same Terraform addresses: %s', (name, index) => {
  const now = addressesOf(synthesized(index));
  const held = existsSync(ADDRESSES) ? (JSON.parse(readFileSync(ADDRESSES, 'utf8')) as Record<string, string[]>) : {};
  if (UPDATE_ADDRESSES) {
    held[name] = now;
    writeFileSync(ADDRESSES, `${JSON.stringify(held, null, 2)}\n`);
  }
  if (!held[name]) throw new Error(`no address list for "${name}": run UPDATE_ADDRESSES=1 npx jest ${__filename}`);
  const same = held[name].length === now.length && held[name].every((a, i) => a === now[i]);
  if (!same) throw new Error(describeAddressChange(name, held[name], now));
});

test('describeAddressChange names the likely rename and what it does', () => {
  const message = describeAddressChange(
    'example',
    ['aws_dynamodb_table.contact_table_7A930FCA', 'aws_s3_bucket.site_bucket_7B14A155'],
    ['aws_dynamodb_table.contact_messages_0B1C2D3E', 'aws_s3_bucket.site_bucket_7B14A155'],
  );
  expect(message).toContain('a renamed construct id or logical name REPLACES the resource');
  expect(message).toContain('  - aws_dynamodb_table.contact_table_7A930FCA  (renamed to aws_dynamodb_table.contact_messages_0B1C2D3E?)');
  expect(message).toContain('  + aws_dynamodb_table.contact_messages_0B1C2D3E');
  expect(message).not.toContain('site_bucket');
});
