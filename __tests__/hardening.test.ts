import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { checkStack, CheckReport } from '../checks';
import { ContactApi, ContactApiProps, StaticSite, StaticSiteProps } from '../constructs';
import { suppressionsOf, suppressRule } from '../constructs/internal/suppressions';
import { makeSiteDir, MINIMAL_SITE, TerraformDocument } from './support/synth';

const ORIGINS = ['https://www.example.com'];
const CLOUDFRONT_ACL = 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/site-acl/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const REGIONAL_ACL = 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/api-acl/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

interface Built<T> {
  readonly construct: T;
  readonly doc: TerraformDocument & { '//'?: unknown };
  readonly report: CheckReport;
}

/** Synthesizes like `cdktf synth` (keeping the `"//"` blocks with the suppressions) and runs the checks. */
function build<T>(make: (stack: TerraformStack) => T): Built<T> {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const construct = make(stack);
  const json = readFileSync(join(Testing.fullSynth(stack), 'stacks', 'test', 'cdk.tf.json'), 'utf8');
  return { construct, doc: JSON.parse(json), report: checkStack(json) };
}

const site = (props: Partial<StaticSiteProps> = {}): Built<StaticSite> =>
  build((stack) => new StaticSite(stack, 'site', { siteDir: makeSiteDir(MINIMAL_SITE), ...props }));
const api = (props: Partial<ContactApiProps> = {}): Built<ContactApi> =>
  build((stack) => new ContactApi(stack, 'contact', { allowedOrigins: ORIGINS, ...props }));

const only = (doc: TerraformDocument, type: string): Record<string, any> => {
  const all = Object.values(doc.resource[type] ?? {});
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
};
const statusOf = (report: CheckReport, ruleId: string): string[] => report.results.filter((r) => r.ruleId === ruleId).map((r) => r.status);

describe('StaticSite webAclArn', () => {
  test('puts the web ACL on the distribution; CKV_AWS_68 and AwsSolutions-CFR2 pass with no suppression', () => {
    const { doc, report } = site({ webAclArn: CLOUDFRONT_ACL });
    const distribution = only(doc, 'aws_cloudfront_distribution');
    expect(distribution.web_acl_id).toBe(CLOUDFRONT_ACL);
    expect(distribution['//'].suppressions.map((s: { ruleId: string }) => s.ruleId)).not.toContain('CKV_AWS_68');
    expect(statusOf(report, 'CKV_AWS_68')).toEqual(['pass']);
    expect(statusOf(report, 'AwsSolutions-CFR2')).toEqual(['pass']);
    expect(report.failed).toEqual([]);
  });

  test('by default there is no web ACL, and the suppression says why', () => {
    const { doc, report } = site();
    expect(only(doc, 'aws_cloudfront_distribution').web_acl_id).toBeUndefined();
    const [result] = report.results.filter((r) => r.ruleId === 'CKV_AWS_68');
    expect(result.status).toBe('suppressed');
    expect(result.reason).toMatch(/^WAF is opt-in \(webAclArn\)/);
  });

  test('takes a Terraform reference (not checked at synth)', () => {
    const { doc } = build((stack) => {
      const acl = new TerraformVariable(stack, 'acl', { type: 'string' });
      return new StaticSite(stack, 'site', { siteDir: makeSiteDir(MINIMAL_SITE), webAclArn: acl.stringValue });
    });
    expect(only(doc, 'aws_cloudfront_distribution').web_acl_id).toBe('${var.acl}');
  });

  test.each([
    [REGIONAL_ACL, 'StaticSite: webAclArn "' + REGIONAL_ACL + '" is a REGIONAL web ACL; CloudFront needs a CLOUDFRONT-scope one'],
    [CLOUDFRONT_ACL.replace('us-east-1', 'eu-west-1'), 'StaticSite: webAclArn is in eu-west-1; CLOUDFRONT-scope web ACLs are in us-east-1'],
    ['0a1b2c3d-4e5f-6789-abcd-ef0123456789', 'is not a WAFv2 web ACL ARN'],
    ['arn:aws:waf::111122223333:webacl/abc', 'is not a WAFv2 web ACL ARN'],
  ])('rejects %s', (arn, message) => {
    expect(() => site({ webAclArn: arn })).toThrow(message);
  });
});

describe('StaticSite bucketAccessLogging', () => {
  test('adds S3 server access logging of the site bucket to the log bucket, prefix "s3/" by default', () => {
    const { doc, report, construct } = site({ bucketAccessLogging: { bucketName: 'my-logs' } });
    const logging = only(doc, 'aws_s3_bucket_logging');
    expect(logging).toMatchObject({
      bucket: `\${aws_s3_bucket.${Object.keys(doc.resource.aws_s3_bucket)[0]}.id}`,
      target_bucket: 'my-logs',
      target_prefix: 's3/',
    });
    expect(construct.bucketLogging).toBeDefined();
    expect(statusOf(report, 'CKV_AWS_18')).toEqual(['pass']);
    expect(statusOf(report, 'AwsSolutions-S1')).toEqual(['pass']);
  });

  test('takes a prefix and a log bucket made in the same stack', () => {
    const { doc, report } = build((stack) => {
      const logs = new S3Bucket(stack, 'logs', { bucketPrefix: 'logs-' });
      return new StaticSite(stack, 'site', { siteDir: makeSiteDir(MINIMAL_SITE), bucketAccessLogging: { bucketName: logs.bucket, prefix: 'site/s3/' } });
    });
    expect(only(doc, 'aws_s3_bucket_logging')).toMatchObject({ target_bucket: '${aws_s3_bucket.logs.bucket}', target_prefix: 'site/s3/' });
    expect(report.results.filter((r) => r.ruleId === 'CKV_AWS_18' && r.address.includes('site_bucket')).map((r) => r.status)).toEqual(['pass']);
  });

  test('without it there is no logging resource, and CKV_AWS_18 is suppressed with the reason', () => {
    const { doc, report, construct } = site();
    expect(doc.resource.aws_s3_bucket_logging).toBeUndefined();
    expect(construct.bucketLogging).toBeUndefined();
    expect(report.suppressed.find((r) => r.ruleId === 'CKV_AWS_18')!.reason).toMatch(/^S3 server access logging is opt-in \(bucketAccessLogging\)/);
  });

  test.each([
    [{ bucketName: 'My_Logs' }, 'StaticSite: bucketAccessLogging bucketName "My_Logs" is not an S3 bucket name'],
    [{ bucketName: 'logs.s3.amazonaws.com.' }, 'is not an S3 bucket name'],
    [{ bucketName: '' }, 'StaticSite: bucketAccessLogging needs bucketName'],
    [{ bucketName: 'logs', prefix: '/s3/' }, 'StaticSite: bucketAccessLogging prefix "/s3/" must be a key prefix'],
  ])('rejects %j', (logging, message) => {
    expect(() => site({ bucketAccessLogging: logging })).toThrow(message);
  });

  test('CloudFront access logging (accessLogging) passes CKV_AWS_86 with no suppression', () => {
    const { report } = site({ accessLogging: { bucketDomainName: 'logs.s3.amazonaws.com' } });
    expect(statusOf(report, 'CKV_AWS_86')).toEqual(['pass']);
    expect(statusOf(report, 'AwsSolutions-CFR3')).toEqual(['pass']);
  });

  test('everything on, with a domain: nothing fails and nothing is suppressed', () => {
    const { report } = site({
      webAclArn: CLOUDFRONT_ACL,
      accessLogging: { bucketDomainName: 'logs.s3.amazonaws.com' },
      bucketAccessLogging: { bucketName: 'logs' },
      domainName: 'www.example.com',
      hostedZoneId: 'Z0123456789ABC',
    });
    expect(report.failed).toEqual([]);
    expect(report.suppressed).toEqual([]);
  });
});

describe('ContactApi webAclArn', () => {
  test('associates the web ACL with the stage; CKV2_AWS_29 and AwsSolutions-APIG3 pass', () => {
    const { doc, report, construct } = api({ webAclArn: REGIONAL_ACL });
    const stageName = Object.keys(doc.resource.aws_api_gateway_stage)[0];
    expect(only(doc, 'aws_wafv2_web_acl_association')).toMatchObject({ resource_arn: `\${aws_api_gateway_stage.${stageName}.arn}`, web_acl_arn: REGIONAL_ACL });
    expect(construct.webAclAssociation).toBeDefined();
    expect(statusOf(report, 'CKV2_AWS_29')).toEqual(['pass']);
    expect(statusOf(report, 'AwsSolutions-APIG3')).toEqual(['pass']);
  });

  test('by default there is no association, and the stage records why', () => {
    const { doc, report, construct } = api();
    expect(doc.resource.aws_wafv2_web_acl_association).toBeUndefined();
    expect(construct.webAclAssociation).toBeUndefined();
    expect(report.suppressed.find((r) => r.ruleId === 'CKV2_AWS_29')!.reason).toMatch(/stage throttles to 10 rps \(burst 20\)/);
  });

  test.each([
    [CLOUDFRONT_ACL, `ContactApi: webAclArn "${CLOUDFRONT_ACL}" is a CLOUDFRONT-scope (global) web ACL; an API Gateway stage needs a REGIONAL one`],
    ['arn:aws:wafv2:eu-west-1:111122223333:regional/ipset/x/y', 'is not a WAFv2 web ACL ARN'],
    ['api-acl', 'is not a WAFv2 web ACL ARN'],
  ])('rejects %s', (arn, message) => {
    expect(() => api({ webAclArn: arn })).toThrow(message);
  });
});

describe('ContactApi tableKmsKeyArn', () => {
  const statements = (doc: TerraformDocument): any[] =>
    Object.entries(doc.data!.aws_iam_policy_document).find(([name]) => name.includes('function-policy-document'))![1].statement;

  test('encrypts the table with the key and grants the function kms:Decrypt on that key, through DynamoDB only', () => {
    const { doc, report } = api({ tableKmsKeyArn: KEY });
    expect(only(doc, 'aws_dynamodb_table').server_side_encryption).toEqual({ enabled: true, kms_key_arn: KEY });
    const regionName = Object.keys(doc.data!.aws_region)[0];
    expect(statements(doc).find((s) => s.sid === 'UseTableKey')).toEqual({
      sid: 'UseTableKey',
      effect: 'Allow',
      actions: ['kms:Decrypt'],
      resources: [KEY],
      condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`dynamodb.\${data.aws_region.${regionName}.region}.amazonaws.com`] }],
    });
    // No other statement mentions KMS, and the key adds no wildcard (IAM5 stays within its suppression).
    expect(statements(doc).filter((s) => JSON.stringify(s).includes('kms:'))).toHaveLength(1);
    expect(statusOf(report, 'CKV_AWS_119')).toEqual(['pass']);
    expect(statusOf(report, 'AwsSolutions-IAM5')).toEqual(['suppressed', 'suppressed']);
    expect(report.failed).toEqual([]);
  });

  test('by default the table uses the AWS managed key, the function has no KMS permission, and CKV_AWS_119 is suppressed', () => {
    const { doc, report } = api();
    expect(only(doc, 'aws_dynamodb_table').server_side_encryption).toEqual({ enabled: true });
    expect(JSON.stringify(statements(doc))).not.toContain('kms:');
    expect(report.suppressed.find((r) => r.ruleId === 'CKV_AWS_119')!.reason).toMatch(/^No tableKmsKeyArn: /);
  });

  test.each([
    ['alias/contact', 'ContactApi: tableKmsKeyArn "alias/contact" is not a KMS key ARN'],
    ['arn:aws:kms:eu-west-1:111122223333:alias/contact', 'is not a KMS key ARN'],
    ['1234abcd-12ab-34cd-56ef-1234567890ab', 'is not a KMS key ARN'],
  ])('rejects %s', (key, message) => {
    expect(() => api({ tableKmsKeyArn: key })).toThrow(message);
  });

  test('everything on: nothing fails, and only the rules that cannot hold for a public form are suppressed', () => {
    const { report } = api({ webAclArn: REGIONAL_ACL, tableKmsKeyArn: KEY, reservedConcurrency: 5 });
    expect(report.failed).toEqual([]);
    expect([...new Set(report.suppressed.map((r) => r.ruleId))].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM5',
      'CKV_AWS_116',
      'CKV_AWS_117',
      'CKV_AWS_173',
      'CKV_AWS_59',
    ]);
  });

  test('with reservedConcurrency CKV_AWS_115 passes and is not suppressed; with tracing off X-Ray is not in the IAM5 suppression', () => {
    expect(statusOf(api({ reservedConcurrency: 5 }).report, 'CKV_AWS_115')).toEqual(['pass']);
    const { construct, report } = api({ tracing: false });
    expect(suppressionsOf(construct.functionPolicy)[0].appliesTo!.some((f) => f.includes('xray'))).toBe(false);
    // Turning tracing off is the user's choice, and the report says so.
    expect(report.failed.map((r) => r.ruleId).sort()).toEqual(['CKV_AWS_50', 'CKV_AWS_73']);
  });
});

describe('ContactApi logsKmsKeyArn', () => {
  const logGroups = (doc: TerraformDocument): Record<string, any>[] => Object.values(doc.resource.aws_cloudwatch_log_group ?? {});
  const ckv158 = (construct: ContactApi) =>
    [construct.functionLogGroup, construct.accessLogGroup, construct.executionLogGroup, construct.notifications!.notifierLogGroup].map((group) =>
      suppressionsOf(group).filter((s) => s.ruleId === 'CKV_AWS_158'),
    );

  test('encrypts every log group with the key (the notifier’s too), grants no role anything, and records no CKV_AWS_158 suppression', () => {
    const { construct, doc, report } = api({ logsKmsKeyArn: KEY, notify: { emails: ['owner@example.com'] } });
    expect(logGroups(doc)).toHaveLength(4);
    for (const group of logGroups(doc)) expect(group.kms_key_id).toBe(KEY);
    expect(ckv158(construct)).toEqual([[], [], [], []]);
    expect(JSON.stringify(doc.data!.aws_iam_policy_document)).not.toContain(KEY);
    expect(report.failed).toEqual([]);
  });

  test('by default no log group names a key, and each records why CKV_AWS_158 is suppressed', () => {
    const { construct, doc } = api({ notify: { emails: ['owner@example.com'] } });
    for (const group of logGroups(doc)) expect(group).not.toHaveProperty('kms_key_id');
    for (const rows of ckv158(construct)) expect(rows.map((row) => row.reason)).toEqual([expect.stringMatching(/^No logsKmsKeyArn: /)]);
  });

  test.each([
    ['alias/logs', 'ContactApi: logsKmsKeyArn "alias/logs" is not a KMS key ARN'],
    ['arn:aws:kms:eu-west-1:111122223333:alias/logs', 'CloudWatch Logs takes only a key ARN'],
  ])('rejects %s', (key, message) => {
    expect(() => api({ logsKmsKeyArn: key })).toThrow(message);
  });
});

describe('suppressRule', () => {
  test('records next to a resource and a data source, merged with cdktf metadata, replacing an earlier entry of the same rule', () => {
    const { doc } = build((stack) => {
      const bucket = new S3Bucket(stack, 'b', {});
      const region = new DataAwsRegion(stack, 'r');
      suppressRule(bucket, 'CKV_AWS_18', 'first reason, replaced below');
      suppressRule(bucket, 'CKV_AWS_18', 'the log bucket itself is not logged');
      suppressRule(bucket, 'CKV_AWS_21', 'objects are rebuilt from the repository');
      suppressRule(region, 'X-1', 'a data source can carry one too', { appliesTo: ['a'] });
      return bucket;
    });
    expect(doc.resource.aws_s3_bucket.b['//']).toEqual({
      metadata: { path: 'test/b', uniqueId: 'b' },
      suppressions: [
        { ruleId: 'CKV_AWS_18', reason: 'the log bucket itself is not logged' },
        { ruleId: 'CKV_AWS_21', reason: 'objects are rebuilt from the repository' },
      ],
    });
    expect(doc.data!.aws_region.r['//']).toEqual({
      metadata: { path: 'test/r', uniqueId: 'r' },
      suppressions: [{ ruleId: 'X-1', reason: 'a data source can carry one too', appliesTo: ['a'] }],
    });
  });

  test('needs a rule id and a real reason', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const bucket = new S3Bucket(stack, 'b', {});
    expect(() => suppressRule(bucket, 'not a rule', 'some reason here')).toThrow('"not a rule" is not a rule id');
    expect(() => suppressRule(bucket, 'CKV_AWS_18', 'n/a')).toThrow('CKV_AWS_18 needs a reason');
    expect(() => suppressRule(bucket, 'CKV_AWS_18', 'some reason here', { appliesTo: [] })).toThrow('appliesTo is empty');
  });

  test('changes nothing Terraform reads: Testing.synth (which drops "//") is the same with and without suppressions', () => {
    const synth = (suppress: boolean): string => {
      const stack = new TerraformStack(Testing.app(), 'test');
      const bucket = new S3Bucket(stack, 'b', {});
      if (suppress) suppressRule(bucket, 'CKV_AWS_18', 'the log bucket itself is not logged');
      return Testing.synth(stack);
    };
    expect(synth(true)).toBe(synth(false));
  });
});
