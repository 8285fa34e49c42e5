import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CDKTN_AWS_PROVIDER_VERSION, CDKTN_PACKAGES, packAndSynthCdktnConsumer } from '../support/cdktn-consumer';
import { consumerEnv, packAndSynthConsumer, packLibrary } from '../support/consumer';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** The synthesized files of a stack folder by path relative to it, as bytes. */
function stackFiles(stackDir: string): Map<string, Buffer> {
  return new Map(filesUnder(stackDir).map((file) => [file.slice(stackDir.length + 1), readFileSync(file)]));
}

/** What a node process in `dir` gets from `script` (stdout), or its error output when it fails. */
function runIn(dir: string, script: string): { ok: boolean; output: string } {
  const result = spawnSync(process.execPath, ['-e', script], { cwd: dir, env: consumerEnv(), encoding: 'utf8' });
  return { ok: result.status === 0, output: result.status === 0 ? result.stdout : result.stderr };
}

describe('the packed library in a fresh CDK Terrain project', () => {
  const work = mkdtempSync(join(tmpdir(), 'cdktn-package-test-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // One tarball for both projects: the same library, packed once.
  const tarball = packLibrary(work);
  const cdktn = packAndSynthCdktnConsumer(work, tarball);
  const cdktf = packAndSynthConsumer(work, tarball);
  const cdktnJson = readFileSync(join(cdktn.stackDir, 'cdk.tf.json'), 'utf8');
  const cdktnDoc = JSON.parse(cdktnJson);
  const cdktfDoc = JSON.parse(readFileSync(join(cdktf.stackDir, 'cdk.tf.json'), 'utf8'));

  it('installs with a plain npm install: CDK Terrain only, no cdktf and no aliases', () => {
    const installed = (pkg: string) => existsSync(join(cdktn.dir, 'node_modules', pkg, 'package.json'));
    expect(Object.keys(CDKTN_PACKAGES).every(installed)).toBe(true);
    expect(installed('cdktf')).toBe(false);
    expect(installed('@cdktf/provider-aws')).toBe(false);
  });

  it('type-checks a TypeScript main.ts with the cdktn template compiler options and synthesizes it with cdktn synth', () => {
    expect(existsSync(join(cdktn.dir, 'main.js'))).toBe(true);
    expect(cdktnDoc.terraform.required_providers.aws).toEqual({ source: 'hashicorp/aws', version: CDKTN_AWS_PROVIDER_VERSION });
    expect(Object.keys(cdktnDoc.resource.aws_cloudfront_distribution)).toHaveLength(1);
    expect(Object.keys(cdktnDoc.resource.aws_api_gateway_rest_api)).toHaveLength(2);
  });

  it('declares the same resources, data sources and outputs, value for value, as the same app with cdktf', () => {
    expect(cdktnDoc.resource).toEqual(cdktfDoc.resource);
    expect(cdktnDoc.data).toEqual(cdktfDoc.data);
    expect(cdktnDoc.output).toEqual(cdktfDoc.output);
    expect(cdktnDoc.provider).toEqual(cdktfDoc.provider);
  });

  it('builds the same handler zip as with cdktf', () => {
    const zipOf = (stackDir: string) => readFileSync(filesUnder(join(stackDir, 'assets')).find((file) => file.endsWith('contact-handler.zip'))!);
    expect(zipOf(cdktn.stackDir).equals(zipOf(cdktf.stackDir))).toBe(true);
  });

  it("passes the library's checkStack, run from the installed package, with the suppressions written by the constructs", () => {
    const script = `const { checkStack } = require('cdktf-contact-site/checks');
      const report = checkStack(require('fs').readFileSync(${JSON.stringify(join(cdktn.stackDir, 'cdk.tf.json'))}, 'utf8'));
      console.log(JSON.stringify({ failed: report.failed, suppressed: report.suppressed.length, passed: report.passed.length }));`;
    const { ok, output } = runIn(cdktn.dir, script);
    expect(ok).toBe(true);
    const report = JSON.parse(output);
    expect(report.failed).toEqual([]);
    expect(report.passed).toBeGreaterThan(30);
    expect(report.suppressed).toBeGreaterThan(0);
  });

  it('answers CORS in every layer: a MOCK OPTIONS method, and 4XX/5XX gateway responses with the site origin', () => {
    const options = Object.values<any>(cdktnDoc.resource.aws_api_gateway_method).filter((method) => method.http_method === 'OPTIONS');
    expect(options.length).toBeGreaterThanOrEqual(2); // the contact API and the orders API
    expect(Object.values<any>(cdktnDoc.resource.aws_api_gateway_integration).filter((i) => i.type === 'MOCK')).toHaveLength(options.length);
    const gatewayResponses = Object.values<any>(cdktnDoc.resource.aws_api_gateway_gateway_response);
    expect(gatewayResponses.map((r) => r.response_type).sort()).toEqual(expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX']));
    for (const response of gatewayResponses) {
      expect(Object.keys(response.response_parameters)).toContain('gatewayresponse.header.Access-Control-Allow-Origin');
    }
  });

  it('grants the handler PutItem and GetItem on its own table, and no other DynamoDB action', () => {
    const table = Object.keys(cdktnDoc.resource.aws_dynamodb_table)[0];
    const statements = Object.values<any>(cdktnDoc.data.aws_iam_policy_document).flatMap((doc) => doc.statement ?? []);
    const dynamo = statements.filter((statement: any) => (statement.actions ?? []).some((action: string) => action.startsWith('dynamodb:')));
    expect(dynamo).toEqual([
      expect.objectContaining({ effect: 'Allow', actions: ['dynamodb:PutItem', 'dynamodb:GetItem'], resources: [`\${aws_dynamodb_table.${table}.arn}`] }),
    ]);
  });

  it('synthesizes byte for byte the same files again', () => {
    const before = stackFiles(cdktn.stackDir);
    cdktn.synth();
    const after = stackFiles(cdktn.stackDir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, bytes] of before) expect(after.get(file)!.equals(bytes)).toBe(true);
  });

  it('says what to install when the entry point of the other framework is imported', () => {
    const { ok, output } = runIn(cdktn.dir, "require('cdktf-contact-site')");
    expect(ok).toBe(false);
    expect(output).toContain('cdktf-contact-site cannot load: cdktf, @cdktf/provider-aws are not installed.');
    expect(output).toContain('import from "cdktf-contact-site/cdktn"');
    const back = runIn(cdktf.dir, "require('cdktf-contact-site/cdktn')");
    expect(back.ok).toBe(false);
    expect(back.output).toContain('cdktf-contact-site/cdktn cannot load: cdktn, @cdktn/provider-aws are not installed.');
  });

  it('says what to install when no framework is installed at all', () => {
    const bare = join(work, 'bare');
    mkdirSync(bare);
    writeFileSync(join(bare, 'package.json'), JSON.stringify({ name: 'bare', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', '--prefer-offline', tarball, `constructs@${CDKTN_PACKAGES.constructs}`], { cwd: bare, env: consumerEnv(), stdio: 'pipe' });
    const { ok, output } = runIn(bare, "require('cdktf-contact-site')");
    expect(ok).toBe(false);
    expect(output).toContain('cdktf-contact-site cannot load: cdktf, @cdktf/provider-aws are not installed.');
    expect(output).toContain('With CDK Terrain 0.24: npm install cdktn@^0.24');
  });
});
