import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleContactHandler } from '../../handlers/bundle';
import { PROJECT_ROOT } from '../support/project-copy';

const CONSUMER_APP = `
const { App, TerraformStack } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const { ApiGatewayRestApi } = require('@cdktf/provider-aws/lib/api-gateway-rest-api');
const { ApiGatewayResource } = require('@cdktf/provider-aws/lib/api-gateway-resource');
const { StaticSite, ContactApi, CorsPreflight } = require('cdktf-contact-site');

const app = new App();
const stack = new TerraformStack(app, 'consumer');
new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
const site = new StaticSite(stack, 'site', { siteDir: 'www' });
const api = new ContactApi(stack, 'contact', { allowedOrigins: site.origins });
site.addApiOrigin(api.apiOrigin);
const orders = new ApiGatewayRestApi(stack, 'orders-api', { name: 'orders' });
const resource = new ApiGatewayResource(stack, 'orders', { restApiId: orders.id, parentId: orders.rootResourceId, pathPart: 'orders' });
new CorsPreflight(stack, 'orders-cors', {
  restApiId: orders.id,
  resourceId: resource.id,
  allowOrigins: ['https://shop.example.com', 'https://admin.example.com'],
  allowMethods: ['GET', 'POST'],
});
app.synth();
`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('the packed library in another project', () => {
  const work = mkdtempSync(join(tmpdir(), 'package-test-'));
  const consumer = join(work, 'consumer');
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', npm_config_audit: 'false', npm_config_fund: 'false' };
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const tarballName = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: PROJECT_ROOT, env, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
  const tarball = join(work, tarballName);
  mkdirSync(join(consumer, 'www'), { recursive: true });
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  writeFileSync(join(consumer, 'www', 'index.html'), '<h1>consumer</h1>');
  writeFileSync(join(consumer, 'www', '404.html'), '<h1>missing</h1>');
  writeFileSync(join(consumer, 'app.js'), CONSUMER_APP);
  // --prefer-offline: npm's cache already holds every package once this repository is installed.
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: consumer, env, stdio: 'pipe' });
  execFileSync(process.execPath, ['app.js'], { cwd: consumer, env, stdio: 'pipe' });
  const stackDir = join(consumer, 'cdktf.out', 'stacks', 'consumer');
  const doc = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));

  it('ships compiled code, declarations and the handler source, not the tests or the example app', () => {
    const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(listing).toEqual(expect.arrayContaining(['package/lib/constructs/index.js', 'package/lib/constructs/index.d.ts', 'package/handlers/contact/index.ts']));
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
