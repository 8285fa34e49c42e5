import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleContactHandler } from '../../handlers/bundle';
import { packAndSynthConsumer } from '../support/consumer';
import { PROJECT_ROOT } from '../support/project-copy';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

describe('the packed library in another project', () => {
  const work = mkdtempSync(join(tmpdir(), 'package-test-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const { tarball, dir: consumer, stackDir } = packAndSynthConsumer(work);
  const doc = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));

  const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.endsWith('/') === false && line !== '')
    .map((line) => line.replace(/^package\//, ''));

  it('ships only the library: compiled code with declarations, the handler sources, the docs', () => {
    const shipped = [
      /^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/,
      /^lib\/(constructs|cdktn\/constructs|checks|handlers|shared)\/[a-z0-9/-]+\.(js|d\.ts)$/,
      /^handlers\/(contact|notify)\/[a-z0-9-]+\.ts$/,
      /^handlers\/README\.md$/,
      /^shared\/[a-z0-9-]+\.ts$/,
      /^docs\/api\/[A-Za-z0-9.-]+\.md$/,
    ];
    expect(listing.filter((file) => !shipped.some((pattern) => pattern.test(file)))).toEqual([]);
    expect(listing).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md', 'lib/cdktn/constructs/index.js', 'handlers/contact/index.ts']));
  });

  it('ships no tests, fixtures, scripts, example app, benchmarks or local-only helpers', () => {
    const unwanted = /(__tests__|fixtures|\.test\.|^scripts\/|^bench\/|^preview\/|^tools\/|^site\/|^lib\/main\.|^lib\/review\/|local-dynamodb|\.tsbuildinfo$)/;
    expect(listing.filter((file) => unwanted.test(file))).toEqual([]);
  });

  it('has a declaration beside every compiled file, and every export target in the tarball', () => {
    expect(listing.filter((file) => file.endsWith('.js') && !listing.includes(file.replace(/\.js$/, '.d.ts')))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
    const targets = Object.values<any>(manifest.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values<string>(target)));
    const typesVersions = Object.values<string[]>(manifest.typesVersions['*']).flat();
    expect([...targets, ...typesVersions, manifest.main, manifest.types].map((t) => t.replace(/^\.\//, '')).filter((t) => !listing.includes(t))).toEqual([]);
  });

  it('synthesizes StaticSite, ContactApi and CorsPreflight on a REST API of its own', () => {
    expect(Object.keys(doc.resource.aws_cloudfront_distribution)).toHaveLength(1);
    expect(Object.keys(doc.resource.aws_lambda_function)).toHaveLength(1);
    expect(Object.keys(doc.resource.aws_api_gateway_rest_api)).toHaveLength(2);
    const ordersPreflight = Object.entries<any>(doc.resource.aws_api_gateway_integration_response).find(([name]) => name.startsWith('orders-cors'));
    expect(ordersPreflight![1].response_templates['application/json']).toContain('https://admin.example.com');
  });

  it('builds the same handler zip as this repository', () => {
    const zipAsset = filesUnder(join(stackDir, 'assets')).find((file) => file.endsWith('contact-handler.zip'))!;
    expect(readFileSync(zipAsset).equals(readFileSync(bundleContactHandler().zipPath))).toBe(true);
  });

  it('points nowhere into this repository', () => {
    for (const file of filesUnder(join(consumer, 'cdktf.out'))) {
      expect(readFileSync(file).includes(PROJECT_ROOT)).toBe(false);
    }
    expect(JSON.stringify(doc)).not.toContain(PROJECT_ROOT);
  });
});
