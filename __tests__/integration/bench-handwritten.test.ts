/**
 * The synth benchmark's yardstick (bench/apps/handwritten-app.ts) is the example written by hand, not a smaller
 * toy: it synthesizes the example's cdk.tf.json (no configuration) byte for byte, so the same resource and data
 * source types, counts and addresses, with the same settings; and it uses no part of this library. A change to
 * the example's JSON fails this test until the hand-written app is changed alike, so that the bench keeps
 * measuring like against like.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdktf';
import { bundleContactHandler } from '../../handlers/bundle';
import { ContactSiteStack, readConfig } from '../../main';
import { HandwrittenContactSiteStack } from '../../bench/apps/handwritten-app';

const ROOT = resolve(__dirname, '..', '..');
const APP_SOURCE = join(ROOT, 'bench', 'apps', 'handwritten-app.ts');
const work = mkdtempSync(join(tmpdir(), 'bench-handwritten-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface StackJson {
  resource?: Record<string, Record<string, unknown>>;
  data?: Record<string, Record<string, unknown>>;
}

function synth(name: string, build: (app: App) => void): { text: string; json: StackJson } {
  const app = new App({ outdir: join(work, name) });
  build(app);
  app.synth();
  const text = readFileSync(join(work, name, 'stacks', 'contact-site', 'cdk.tf.json'), 'utf8');
  return { text, json: JSON.parse(text) as StackJson };
}

/** Every resource and data source address (`aws_s3_bucket.site_bucket_7B14A155`, `data.aws_region...`), sorted. */
const addresses = (stack: StackJson): string[] =>
  [
    ...Object.entries(stack.resource ?? {}).flatMap(([type, blocks]) => Object.keys(blocks).map((name) => `${type}.${name}`)),
    ...Object.entries(stack.data ?? {}).flatMap(([type, blocks]) => Object.keys(blocks).map((name) => `data.${type}.${name}`)),
  ].sort();

/** How many blocks of each type: `{ aws_s3_object: 9, 'data.aws_region': 1, ... }`. */
const countsByType = (stack: StackJson): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const address of addresses(stack)) {
    const type = address.slice(0, address.lastIndexOf('.'));
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
};

// Both from the same build of the handler: the example bundles it at synth, the hand-written app takes the zip.
const example = synth('example', (app) => new ContactSiteStack(app, 'contact-site', readConfig(app, {})));
const handwritten = synth(
  'handwritten',
  (app) => new HandwrittenContactSiteStack(app, 'contact-site', { handlerZip: bundleContactHandler().zipPath, siteDir: join(ROOT, 'site') }),
);

test('the hand-written stack has exactly the example resource and data-source types, with the same counts', () => {
  expect(Object.keys(countsByType(example.json)).length).toBeGreaterThan(0);
  expect(countsByType(handwritten.json)).toEqual(countsByType(example.json));
});

test('at the same addresses', () => {
  expect(addresses(handwritten.json)).toEqual(addresses(example.json));
});

test('with the same settings: the same cdk.tf.json, byte for byte', () => {
  // toBe on the whole text: jest prints the differing lines. A deliberate change to the example changes the hand-written app alike.
  expect(handwritten.text).toBe(example.text);
});

test('written with plain cdktf and provider classes only: nothing of this library', () => {
  const source = readFileSync(APP_SOURCE, 'utf8');
  const imports = [...source.matchAll(/^import [^;]*? from '([^']+)';$/gms)].map((match) => match[1]!);
  expect(imports.length).toBeGreaterThan(5);
  const foreign = imports.filter((spec) => !/^(node:[a-z/]+|cdktf|constructs|@cdktf\/provider-aws\/lib\/[a-z0-9-]+)$/.test(spec));
  expect(foreign).toEqual([]);
  expect(source).not.toMatch(/require\(/);
});
