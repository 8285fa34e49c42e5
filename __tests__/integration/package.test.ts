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

  it('ships compiled code, declarations and the handler source, not the tests or the example app', () => {
    const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(listing).toEqual(
      expect.arrayContaining(['package/lib/constructs/index.js', 'package/lib/constructs/index.d.ts', 'package/handlers/contact/index.ts']),
    );
    expect(listing.some((file) => file.includes('__tests__') || file.startsWith('package/lib/main') || file.startsWith('package/site/'))).toBe(false);
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
