import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { checkStack, CheckReport, CheckResult, DEFAULT_RULES, formatReport, lambdaRuntimeRule, Rule } from '../checks';
import { ContactSiteStack, ExampleConfig } from '../main';

const NO_DOMAIN: ExampleConfig = { region: 'us-east-1', redirectDomainNames: [], stateKey: 'contact-site/terraform.tfstate' };
const WITH_DOMAIN: ExampleConfig = {
  ...NO_DOMAIN,
  domainName: 'www.example.com',
  hostedZoneName: 'example.com',
  redirectDomainNames: ['example.com'],
};

/** The JSON `cdktf synth` writes, `"//"` blocks (and so suppressions) included; `Testing.synth` drops them. */
function fullJson(stack: TerraformStack): string {
  return readFileSync(join(Testing.fullSynth(stack), 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8');
}

function exampleStack(config: ExampleConfig, tweak?: (stack: ContactSiteStack) => void): string {
  const stack = new ContactSiteStack(Testing.app(), 'contact-site', config);
  tweak?.(stack);
  return fullJson(stack);
}

const find = (report: CheckReport, ruleId: string, addressPart = ''): CheckResult[] =>
  report.results.filter((r) => r.ruleId === ruleId && r.address.includes(addressPart));

/** The rules the issue names; each must pass, or be suppressed with a reason. */
const ISSUE_RULES = [
  'CKV2_AWS_6',
  'CKV_AWS_53',
  'CKV_AWS_54',
  'CKV_AWS_55',
  'CKV_AWS_56',
  'AwsSolutions-S10',
  'CKV_AWS_19',
  'CKV2_AWS_65',
  'CKV_AWS_70',
  'CKV2_AWS_46',
  'CKV_AWS_34',
  'CKV_AWS_174',
  'CKV2_AWS_32',
  'CKV_AWS_305',
  'CKV_AWS_76',
  'CKV_AWS_73',
  'CONTACT-APIGW-THROTTLE',
  'CKV_AWS_276',
  'CKV_AWS_217',
  'CKV_AWS_363',
  'CKV_AWS_50',
  'CKV_AWS_364',
  'CKV_AWS_45',
  'CONTACT-LAMBDA-LIMITS',
  'AwsSolutions-IAM5',
  'AwsSolutions-IAM4',
  'CKV_AWS_28',
  'CKV_AWS_66',
];

/** What the example stack without a domain suppresses by design, per rule: where. */
const EXPECTED_SUPPRESSIONS: Record<string, string[]> = {
  CKV_AWS_18: ['aws_s3_bucket.site_bucket'],
  'AwsSolutions-S1': ['aws_s3_bucket.site_bucket'],
  CKV_AWS_174: ['aws_cloudfront_distribution.site_distribution'],
  'AwsSolutions-CFR4': ['aws_cloudfront_distribution.site_distribution'],
  CKV_AWS_86: ['aws_cloudfront_distribution.site_distribution'],
  'AwsSolutions-CFR3': ['aws_cloudfront_distribution.site_distribution'],
  CKV_AWS_68: ['aws_cloudfront_distribution.site_distribution'],
  'AwsSolutions-CFR2': ['aws_cloudfront_distribution.site_distribution'],
  CKV_AWS_59: ['aws_api_gateway_method.contact_post-method'],
  'AwsSolutions-APIG4': ['aws_api_gateway_method.contact_cors_method', 'aws_api_gateway_method.contact_post-method'],
  'AwsSolutions-COG4': ['aws_api_gateway_method.contact_post-method'],
  CKV2_AWS_29: ['aws_api_gateway_stage.contact_stage'],
  'AwsSolutions-APIG3': ['aws_api_gateway_stage.contact_stage'],
  CKV_AWS_116: ['aws_lambda_function.contact_function'],
  CKV_AWS_117: ['aws_lambda_function.contact_function'],
  CKV_AWS_173: ['aws_lambda_function.contact_function'],
  CKV_AWS_115: ['aws_lambda_function.contact_function'],
  'AwsSolutions-IAM5': ['aws_iam_role_policy.contact_api-gateway-cloudwatch-policy', 'aws_iam_role_policy.contact_function-policy'],
  CKV_AWS_119: ['aws_dynamodb_table.contact_table'],
};

describe('checkStack on the example stack', () => {
  let noDomain: CheckReport;
  let withDomain: CheckReport;
  beforeAll(() => {
    noDomain = checkStack(exampleStack(NO_DOMAIN));
    withDomain = checkStack(exampleStack(WITH_DOMAIN));
  });

  test.each([
    ['without a domain', () => noDomain],
    ['with a domain', () => withDomain],
  ])('%s: no rule fails', (_name, report) => {
    const failed = report().failed;
    if (failed.length > 0) throw new Error(`policy checks failed:\n${formatReport(report())}`);
    expect(report().results.length).toBeGreaterThan(40);
  });

  test.each(ISSUE_RULES)('%s is evaluated and passes or is suppressed with a reason', (ruleId) => {
    for (const report of [noDomain, withDomain]) {
      const results = find(report, ruleId);
      expect(results.length).toBeGreaterThan(0);
      for (const result of results) {
        expect(['pass', 'suppressed']).toContain(result.status);
        if (result.status === 'suppressed') expect(result.reason!.length).toBeGreaterThan(40);
      }
    }
  });

  test('exactly the by-design suppressions, each with its reason and the failure it explains', () => {
    const actual: Record<string, string[]> = {};
    for (const result of noDomain.suppressed) {
      (actual[result.ruleId] ??= []).push(result.address.replace(/_[0-9A-F]{8}$/, ''));
      expect(result.message).not.toBe('');
      expect(result.reason).toMatch(/\S{3,}.*\S{3,}/);
    }
    for (const list of Object.values(actual)) list.sort();
    expect(actual).toEqual(EXPECTED_SUPPRESSIONS);
  });

  test('with a domain, TLS 1.2 holds and is not suppressed', () => {
    expect(find(withDomain, 'CKV_AWS_174').map((r) => [r.status, r.message])).toEqual([
      ['pass', 'viewer_certificate.minimum_protocol_version = "TLSv1.2_2021"'],
    ]);
    expect(find(withDomain, 'AwsSolutions-CFR4')[0].status).toBe('pass');
    expect(withDomain.suppressed.map((r) => r.ruleId)).not.toContain('CKV_AWS_174');
  });

  test('no suppression is unnecessary (every one explains a real failure)', () => {
    for (const report of [noDomain, withDomain]) {
      expect(report.passed.filter((r) => r.message.includes('unnecessary suppression'))).toEqual([]);
    }
  });

  test('the report lists each suppression with its reason', () => {
    const text = formatReport(noDomain);
    expect(text.split('\n')[0]).toBe(`0 failed, ${noDomain.suppressed.length} suppressed, ${noDomain.passed.length} passed`);
    expect(text).toMatch(
      /^SUPPRESSED AwsSolutions-APIG4 aws_api_gateway_method\.contact_cors_method_[0-9A-F]{8}: OPTIONS has authorization "NONE" -- suppressed: CORS preflight: /m,
    );
    expect(text).toMatch(/^SUPPRESSED CKV_AWS_174 aws_cloudfront_distribution\.site_distribution_[0-9A-F]{8}: .*-- suppressed: No domainName/m);
    expect(text.split('\n')).toHaveLength(1 + noDomain.results.length);
  });

  test('Testing.synth output has no suppressions, so the same stack fails there (use cdktf synth / fullSynth output)', () => {
    const report = checkStack(Testing.synth(new ContactSiteStack(Testing.app(), 'contact-site', NO_DOMAIN)));
    expect(report.suppressed).toEqual([]);
    expect(report.failed.length).toBe(noDomain.suppressed.length);
  });
});

describe('checkStack fails the example stack when a construct is broken with addOverride', () => {
  const broken = (tweak: (stack: ContactSiteStack) => void): CheckReport => checkStack(exampleStack(NO_DOMAIN, tweak));

  test('a public access block flag turned off fails CKV_AWS_53 and CKV2_AWS_6', () => {
    const report = broken((s) => s.site.publicAccessBlock.addOverride('block_public_acls', false));
    expect(find(report, 'CKV_AWS_53').map((r) => [r.status, r.message])).toEqual([['fail', 'block_public_acls is false; it must be true']]);
    expect(find(report, 'CKV2_AWS_6')[0]).toMatchObject({ status: 'fail', message: expect.stringContaining('block_public_acls is false') });
    expect(report.failed.map((r) => r.ruleId).sort()).toEqual(['CKV2_AWS_6', 'CKV_AWS_53']);
  });

  test('data trace on, no create_before_destroy, no tracing, no retention', () => {
    const report = broken((s) => {
      s.contactApi.methodSettings.addOverride('settings.data_trace_enabled', true);
      s.contactApi.deployment.addOverride('lifecycle.create_before_destroy', false);
      s.contactApi.function.addOverride('tracing_config.mode', 'PassThrough');
      s.contactApi.accessLogGroup.addOverride('retention_in_days', 0);
    });
    expect(report.failed.map((r) => `${r.ruleId}: ${r.message}`).sort()).toEqual([
      'CKV_AWS_217: lifecycle.create_before_destroy is false: replacing the deployment would delete the one the stage uses first',
      'CKV_AWS_276: settings.data_trace_enabled = true: request and response bodies (personal data) go to CloudWatch',
      'CKV_AWS_50: tracing_config.mode is "PassThrough"',
      'CKV_AWS_66: retention_in_days is 0: events are kept forever',
    ]);
  });

  test('a new wildcard in the function policy fails IAM5 although the policy has a (narrower) suppression', () => {
    const report = broken((s) =>
      s.contactApi.functionPolicyDocument.addOverride('statement', [{ sid: 'TooMuch', effect: 'Allow', actions: ['dynamodb:*'], resources: ['*'] }]),
    );
    const [result] = find(report, 'AwsSolutions-IAM5', 'function-policy');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('statement "TooMuch": Action::dynamodb:*, Resource::* for dynamodb:*');
    expect(result.message).toContain('not covered: Action::dynamodb:*, Resource::* for dynamodb:*');
  });

  test('the TLS statement of the bucket policy turned into an Allow fails AwsSolutions-S10 and CKV_AWS_70', () => {
    const doc = JSON.parse(exampleStack(NO_DOMAIN));
    const [document] = Object.values(doc.data.aws_iam_policy_document as Record<string, { statement: { sid: string; effect: string }[] }>).filter((d) =>
      d.statement.some((s) => s.sid === 'DenyInsecureTransport'),
    );
    document.statement.find((s) => s.sid === 'DenyInsecureTransport')!.effect = 'Allow';
    const report = checkStack(doc);
    expect(find(report, 'AwsSolutions-S10')[0]).toMatchObject({ status: 'fail', message: expect.stringContaining('has no statement that denies s3:*') });
    expect(find(report, 'CKV_AWS_70')[0]).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('statement "DenyInsecureTransport" allows principal "*"'),
    });
  });
});

// ---- Each rule on minimal hand-made resources: it can fail, with a clear message, and it can pass. ----

type Doc = { resource?: Record<string, Record<string, object>>; data?: Record<string, Record<string, object>> };
const resourceDoc = (type: string, body: object, extra: Doc['resource'] = {}): Doc => ({ resource: { [type]: { x: body }, ...extra } });

const BUCKET = { bucket: 'b' };
const ref = (address: string, attribute = 'id'): string => `\${${address}.${attribute}}`;
const GOOD_PAB = {
  bucket: ref('aws_s3_bucket.x'),
  block_public_acls: true,
  block_public_policy: true,
  ignore_public_acls: true,
  restrict_public_buckets: true,
};
const TLS_DENY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
};
const DISTRIBUTION = {
  default_root_object: 'index.html',
  origin: [{ origin_id: 's3', domain_name: 'b.s3.eu-west-1.amazonaws.com', origin_access_control_id: 'E123' }],
  default_cache_behavior: { viewer_protocol_policy: 'redirect-to-https', response_headers_policy_id: 'p' },
  viewer_certificate: { acm_certificate_arn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc', minimum_protocol_version: 'TLSv1.2_2021' },
  logging_config: { bucket: 'logs.s3.amazonaws.com' },
  web_acl_id: 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/a/b',
};
const STAGE = {
  rest_api_id: ref('aws_api_gateway_rest_api.api'),
  stage_name: 'prod',
  xray_tracing_enabled: true,
  access_log_settings: { destination_arn: 'arn:aws:logs:eu-west-1:111122223333:log-group:x', format: '$context.requestId' },
};
const SETTINGS = {
  rest_api_id: ref('aws_api_gateway_rest_api.api'),
  stage_name: ref('aws_api_gateway_stage.x', 'stage_name'),
  method_path: '*/*',
  settings: { throttling_rate_limit: 10, throttling_burst_limit: 20 },
};
const FUNCTION = {
  runtime: 'nodejs22.x',
  memory_size: 256,
  timeout: 10,
  tracing_config: { mode: 'Active' },
  environment: { variables: { TABLE_NAME: 't' } },
  kms_key_arn: 'arn:aws:kms:eu-west-1:111122223333:key/k',
  dead_letter_config: { target_arn: 'arn:aws:sqs:eu-west-1:111122223333:dlq' },
  vpc_config: { subnet_ids: ['subnet-1'], security_group_ids: ['sg-1'] },
  reserved_concurrent_executions: 5,
};
const policy = (statement: object): string => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
const TOPIC = { name: 'messages', kms_master_key_id: ref('aws_kms_key.k', 'arn') };
const QUEUE = { name: 'failed', sqs_managed_sse_enabled: true };
/** A Deny of `action` to anyone on `resource` without TLS, as an aws_iam_policy_document statement. */
const tlsDenyBlock = (action: string, resource: string): object => ({
  sid: 'DenyInsecureTransport',
  effect: 'Deny',
  principals: [{ type: '*', identifiers: ['*'] }],
  actions: [action],
  resources: [resource],
  condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
});
const tlsDenyJson = (action: string, resource: string): string =>
  policy({ Effect: 'Deny', Principal: '*', Action: action, Resource: resource, Condition: { Bool: { 'aws:SecureTransport': false } } });
const STREAM_MAPPING = {
  event_source_arn: ref('aws_dynamodb_table.t', 'stream_arn'),
  function_name: ref('aws_lambda_function.f', 'arn'),
  starting_position: 'LATEST',
  bisect_batch_on_function_error: true,
  maximum_retry_attempts: 5,
  maximum_record_age_in_seconds: 3600,
  function_response_types: ['ReportBatchItemFailures'],
  destination_config: [{ on_failure: [{ destination_arn: ref('aws_sqs_queue.failed', 'arn') }] }],
};

interface Case {
  readonly rule: string;
  readonly bad: Doc;
  readonly message: RegExp;
  readonly good: Doc;
}

const CASES: Case[] = [
  {
    rule: 'CKV2_AWS_6',
    bad: resourceDoc('aws_s3_bucket', BUCKET),
    message: /^no aws_s3_bucket_public_access_block references this bucket$/,
    good: resourceDoc('aws_s3_bucket', BUCKET, { aws_s3_bucket_public_access_block: { p: GOOD_PAB } }),
  },
  ...(
    [
      ['CKV_AWS_53', 'block_public_acls'],
      ['CKV_AWS_54', 'block_public_policy'],
      ['CKV_AWS_55', 'ignore_public_acls'],
      ['CKV_AWS_56', 'restrict_public_buckets'],
    ] as const
  ).map(([rule, flag]) => ({
    rule,
    bad: resourceDoc('aws_s3_bucket_public_access_block', { ...GOOD_PAB, [flag]: undefined }),
    message: new RegExp(`^${flag} is not set; it must be true \\(it defaults to false\\)$`),
    good: resourceDoc('aws_s3_bucket_public_access_block', GOOD_PAB),
  })),
  {
    rule: 'AwsSolutions-S10',
    bad: resourceDoc('aws_s3_bucket', BUCKET, {
      aws_s3_bucket_policy: {
        p: {
          bucket: 'b',
          policy: policy({ Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
        },
      },
    }),
    message: /aws_s3_bucket_policy\.p has no statement that denies s3:\* to "\*" on the bucket and its objects when aws:SecureTransport is false/,
    good: resourceDoc('aws_s3_bucket', BUCKET, { aws_s3_bucket_policy: { p: { bucket: 'b', policy: JSON.stringify(TLS_DENY) } } }),
  },
  {
    rule: 'CKV_AWS_19',
    bad: resourceDoc('aws_s3_bucket', BUCKET, {
      aws_s3_bucket_server_side_encryption_configuration: {
        e: { bucket: ref('aws_s3_bucket.x'), rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'none' } }] },
      },
    }),
    message: /aws_s3_bucket_server_side_encryption_configuration\.e references it but sets no sse_algorithm/,
    good: resourceDoc('aws_s3_bucket', BUCKET, {
      aws_s3_bucket_server_side_encryption_configuration: {
        e: { bucket: ref('aws_s3_bucket.x'), rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } }] },
      },
    }),
  },
  {
    rule: 'CKV2_AWS_65',
    bad: resourceDoc('aws_s3_bucket', BUCKET, { aws_s3_bucket_ownership_controls: { o: { bucket: 'b', rule: { object_ownership: 'ObjectWriter' } } } }),
    message: /object_ownership = "ObjectWriter", not "BucketOwnerEnforced"/,
    good: resourceDoc('aws_s3_bucket', BUCKET, { aws_s3_bucket_ownership_controls: { o: { bucket: 'b', rule: { object_ownership: 'BucketOwnerEnforced' } } } }),
  },
  {
    rule: 'CKV2_AWS_65',
    bad: resourceDoc('aws_s3_bucket_ownership_controls', { bucket: 'b', rule: { object_ownership: 'BucketOwnerPreferred' } }),
    message: /^object_ownership is "BucketOwnerPreferred", not "BucketOwnerEnforced"$/,
    good: resourceDoc('aws_s3_bucket_ownership_controls', { bucket: 'b', rule: { object_ownership: 'BucketOwnerEnforced' } }),
  },
  {
    rule: 'CKV2_AWS_61',
    bad: resourceDoc('aws_s3_bucket', BUCKET),
    message: /^no aws_s3_bucket_lifecycle_configuration references this bucket$/,
    good: resourceDoc('aws_s3_bucket', BUCKET, {
      aws_s3_bucket_lifecycle_configuration: {
        l: { bucket: 'b', rule: [{ id: 'abort', status: 'Enabled', abort_incomplete_multipart_upload: { days_after_initiation: 1 } }] },
      },
    }),
  },
  {
    rule: 'CKV_AWS_70',
    bad: resourceDoc('aws_s3_bucket_policy', {
      bucket: 'b',
      policy: policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
    }),
    message: /statement #1 allows principal "\*"/,
    good: resourceDoc('aws_s3_bucket_policy', { bucket: 'b', policy: JSON.stringify(TLS_DENY) }),
  },
  {
    rule: 'CKV_AWS_18',
    bad: resourceDoc('aws_s3_bucket', BUCKET),
    message: /^no aws_s3_bucket_logging references this bucket$/,
    good: resourceDoc('aws_s3_bucket', BUCKET, {
      aws_s3_bucket_logging: { l: { bucket: ref('aws_s3_bucket.x'), target_bucket: 'logs', target_prefix: 's3/' } },
    }),
  },
  {
    rule: 'CKV2_AWS_46',
    bad: resourceDoc('aws_cloudfront_distribution', { ...DISTRIBUTION, origin: [{ origin_id: 's3', domain_name: 'b.s3.amazonaws.com' }] }),
    message: /S3 origin "s3" has no origin_access_control_id/,
    good: resourceDoc('aws_cloudfront_distribution', DISTRIBUTION),
  },
  {
    rule: 'CKV_AWS_34',
    bad: resourceDoc('aws_cloudfront_distribution', {
      ...DISTRIBUTION,
      ordered_cache_behavior: [{ path_pattern: '/api/*', viewer_protocol_policy: 'allow-all', response_headers_policy_id: 'p' }],
    }),
    message: /ordered_cache_behavior\[0\] \(\/api\/\*\)\.viewer_protocol_policy is "allow-all"/,
    good: resourceDoc('aws_cloudfront_distribution', DISTRIBUTION),
  },
  {
    rule: 'CKV_AWS_174',
    bad: resourceDoc('aws_cloudfront_distribution', {
      ...DISTRIBUTION,
      viewer_certificate: { acm_certificate_arn: 'a', minimum_protocol_version: 'TLSv1_2016' },
    }),
    message: /minimum_protocol_version is "TLSv1_2016"/,
    good: resourceDoc('aws_cloudfront_distribution', DISTRIBUTION),
  },
  {
    rule: 'AwsSolutions-CFR4',
    bad: resourceDoc('aws_cloudfront_distribution', { ...DISTRIBUTION, viewer_certificate: { cloudfront_default_certificate: true } }),
    message: /cloudfront_default_certificate = true/,
    good: resourceDoc('aws_cloudfront_distribution', DISTRIBUTION),
  },
  {
    rule: 'CKV2_AWS_32',
    bad: resourceDoc('aws_cloudfront_distribution', { ...DISTRIBUTION, default_cache_behavior: { viewer_protocol_policy: 'https-only' } }),
    message: /^no response_headers_policy_id on default_cache_behavior$/,
    good: resourceDoc('aws_cloudfront_distribution', DISTRIBUTION),
  },
  {
    rule: 'CKV_AWS_305',
    bad: resourceDoc('aws_cloudfront_distribution', { ...DISTRIBUTION, default_root_object: '' }),
    message: /^default_root_object is ""$/,
    good: resourceDoc('aws_cloudfront_distribution', DISTRIBUTION),
  },
  {
    rule: 'CKV_AWS_86',
    bad: resourceDoc('aws_cloudfront_distribution', { ...DISTRIBUTION, logging_config: undefined }),
    message: /^logging_config is not set$/,
    good: resourceDoc('aws_cloudfront_distribution', DISTRIBUTION),
  },
  {
    rule: 'AwsSolutions-CFR3',
    bad: resourceDoc('aws_cloudfront_distribution', { ...DISTRIBUTION, logging_config: undefined }),
    message: /^logging_config is not set$/,
    good: resourceDoc('aws_cloudfront_distribution', DISTRIBUTION),
  },
  {
    rule: 'CKV_AWS_68',
    bad: resourceDoc('aws_cloudfront_distribution', { ...DISTRIBUTION, web_acl_id: undefined }),
    message: /^web_acl_id is not set$/,
    good: resourceDoc('aws_cloudfront_distribution', DISTRIBUTION),
  },
  {
    rule: 'AwsSolutions-CFR2',
    bad: resourceDoc('aws_cloudfront_distribution', { ...DISTRIBUTION, web_acl_id: undefined }),
    message: /^web_acl_id is not set$/,
    good: resourceDoc('aws_cloudfront_distribution', DISTRIBUTION),
  },
  {
    rule: 'CKV_AWS_76',
    bad: resourceDoc('aws_api_gateway_stage', { ...STAGE, access_log_settings: undefined }),
    message: /^access_log_settings.destination_arn is not set$/,
    good: resourceDoc('aws_api_gateway_stage', STAGE),
  },
  {
    rule: 'AwsSolutions-APIG1',
    bad: resourceDoc('aws_api_gateway_stage', { ...STAGE, access_log_settings: { destination_arn: 'arn' } }),
    message: /^access_log_settings.format is not set$/,
    good: resourceDoc('aws_api_gateway_stage', STAGE),
  },
  {
    rule: 'CKV_AWS_73',
    bad: resourceDoc('aws_api_gateway_stage', { ...STAGE, xray_tracing_enabled: false }),
    message: /^xray_tracing_enabled is false$/,
    good: resourceDoc('aws_api_gateway_stage', STAGE),
  },
  {
    rule: 'CONTACT-APIGW-THROTTLE',
    bad: resourceDoc('aws_api_gateway_stage', STAGE, {
      aws_api_gateway_method_settings: { s: { ...SETTINGS, settings: { throttling_rate_limit: -1, throttling_burst_limit: 20 } } },
    }),
    message: /aws_api_gateway_method_settings\.s settings\.throttling_rate_limit is -1; it must be above 0/,
    good: resourceDoc('aws_api_gateway_stage', STAGE, { aws_api_gateway_method_settings: { s: SETTINGS } }),
  },
  {
    rule: 'CKV_AWS_276',
    bad: resourceDoc('aws_api_gateway_method_settings', { ...SETTINGS, settings: { data_trace_enabled: true } }),
    message: /data_trace_enabled = true/,
    good: resourceDoc('aws_api_gateway_method_settings', SETTINGS),
  },
  {
    rule: 'CKV_AWS_217',
    bad: resourceDoc('aws_api_gateway_deployment', { rest_api_id: 'a' }),
    message: /^lifecycle.create_before_destroy is not set/,
    good: resourceDoc('aws_api_gateway_deployment', { rest_api_id: 'a', lifecycle: { create_before_destroy: true } }),
  },
  {
    rule: 'CKV_AWS_237',
    bad: resourceDoc('aws_api_gateway_rest_api', { name: 'a' }),
    message: /^lifecycle.create_before_destroy is not set: replacing the API would delete/,
    good: resourceDoc('aws_api_gateway_rest_api', { name: 'a', lifecycle: { create_before_destroy: true } }),
  },
  {
    rule: 'CKV_AWS_59',
    bad: resourceDoc('aws_api_gateway_method', { http_method: 'GET', authorization: 'NONE' }),
    message: /^GET has authorization "NONE" and api_key_required not set: anyone may call it$/,
    good: resourceDoc('aws_api_gateway_method', { http_method: 'GET', authorization: 'NONE', api_key_required: true }),
  },
  {
    rule: 'AwsSolutions-APIG4',
    bad: resourceDoc('aws_api_gateway_method', { http_method: 'OPTIONS', authorization: 'NONE' }),
    message: /^OPTIONS has authorization "NONE"$/,
    good: resourceDoc('aws_api_gateway_method', { http_method: 'GET', authorization: 'AWS_IAM' }),
  },
  {
    rule: 'AwsSolutions-COG4',
    bad: resourceDoc('aws_api_gateway_method', { http_method: 'GET', authorization: 'AWS_IAM' }),
    message: /^GET has authorization "AWS_IAM", not "COGNITO_USER_POOLS"$/,
    good: resourceDoc('aws_api_gateway_method', { http_method: 'GET', authorization: 'COGNITO_USER_POOLS' }),
  },
  {
    rule: 'CKV2_AWS_29',
    bad: resourceDoc('aws_api_gateway_stage', STAGE),
    message: /^no aws_wafv2_web_acl_association has resource_arn referencing this stage$/,
    good: resourceDoc('aws_api_gateway_stage', STAGE, {
      aws_wafv2_web_acl_association: {
        w: { resource_arn: ref('aws_api_gateway_stage.x', 'arn'), web_acl_arn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/a/b' },
      },
    }),
  },
  {
    rule: 'AwsSolutions-APIG3',
    bad: resourceDoc('aws_api_gateway_stage', STAGE, { aws_wafv2_web_acl_association: { w: { resource_arn: ref('aws_api_gateway_stage.x', 'arn') } } }),
    message: /^aws_wafv2_web_acl_association\.w has web_acl_arn not set$/,
    good: resourceDoc('aws_api_gateway_stage', STAGE, {
      aws_wafv2_web_acl_association: {
        w: { resource_arn: ref('aws_api_gateway_stage.x', 'arn'), web_acl_arn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/a/b' },
      },
    }),
  },
  {
    rule: 'CKV_AWS_363',
    bad: resourceDoc('aws_lambda_function', { ...FUNCTION, runtime: 'python3.8' }),
    message: /^runtime "python3.8" was deprecated on 2024-10-14$/,
    good: resourceDoc('aws_lambda_function', FUNCTION),
  },
  {
    rule: 'CKV_AWS_50',
    bad: resourceDoc('aws_lambda_function', { ...FUNCTION, tracing_config: undefined }),
    message: /^tracing_config.mode is not set$/,
    good: resourceDoc('aws_lambda_function', FUNCTION),
  },
  {
    rule: 'CKV_AWS_45',
    bad: resourceDoc('aws_lambda_function', {
      ...FUNCTION,
      environment: { variables: { TABLE_NAME: 't', AWS_KEY: 'AKIAIOSFODNN7EXAMPLE', DB_PASSWORD: 'hunter22' } },
    }),
    message: /^AWS_KEY holds an AWS access key id; DB_PASSWORD is named like a secret and has a literal value: use Secrets Manager/,
    good: resourceDoc('aws_lambda_function', {
      ...FUNCTION,
      environment: { variables: { TABLE_NAME: 't', DB_PASSWORD_PARAMETER: ref('aws_ssm_parameter.p', 'name') } },
    }),
  },
  {
    rule: 'CONTACT-LAMBDA-LIMITS',
    bad: resourceDoc('aws_lambda_function', { ...FUNCTION, memory_size: undefined, timeout: undefined }),
    message: /^memory_size and timeout not set/,
    good: resourceDoc('aws_lambda_function', FUNCTION),
  },
  {
    rule: 'CKV_AWS_116',
    bad: resourceDoc('aws_lambda_function', { ...FUNCTION, dead_letter_config: undefined }),
    message: /^dead_letter_config is not set$/,
    good: resourceDoc('aws_lambda_function', FUNCTION),
  },
  {
    rule: 'CKV_AWS_117',
    bad: resourceDoc('aws_lambda_function', { ...FUNCTION, vpc_config: { subnet_ids: [] } }),
    message: /^vpc_config is not set$/,
    good: resourceDoc('aws_lambda_function', FUNCTION),
  },
  {
    rule: 'CKV_AWS_173',
    bad: resourceDoc('aws_lambda_function', { ...FUNCTION, kms_key_arn: undefined }),
    message: /^kms_key_arn is not set/,
    good: resourceDoc('aws_lambda_function', FUNCTION),
  },
  {
    rule: 'CKV_AWS_115',
    bad: resourceDoc('aws_lambda_function', { ...FUNCTION, reserved_concurrent_executions: undefined }),
    message: /^reserved_concurrent_executions is not set$/,
    good: resourceDoc('aws_lambda_function', FUNCTION),
  },
  {
    rule: 'CKV_AWS_364',
    bad: resourceDoc('aws_lambda_permission', { action: 'lambda:InvokeFunction', function_name: 'f', principal: 'apigateway.amazonaws.com' }),
    message: /^principal "apigateway.amazonaws.com" with no source_arn/,
    good: resourceDoc('aws_lambda_permission', {
      action: 'lambda:InvokeFunction',
      function_name: 'f',
      principal: 'apigateway.amazonaws.com',
      source_arn: `${ref('aws_api_gateway_rest_api.a', 'execution_arn')}/prod/POST/contact`,
    }),
  },
  {
    rule: 'AwsSolutions-IAM5',
    bad: {
      resource: { aws_iam_role_policy: { x: { role: 'r', policy: ref('data.aws_iam_policy_document.d', 'json') } } },
      data: { aws_iam_policy_document: { d: { statement: [{ effect: 'Allow', actions: ['s3:Get*'], resources: ['arn:aws:s3:::b/*'] }] } } },
    },
    message: /^data\.aws_iam_policy_document\.d statement #1: Action::s3:Get\*, Resource::arn:aws:s3:::b\/\* for s3:Get\*$/,
    good: resourceDoc('aws_iam_role_policy', {
      role: 'r',
      policy: policy({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/t' }),
    }),
  },
  {
    rule: 'AwsSolutions-IAM4',
    bad: resourceDoc(
      'aws_iam_role',
      { name: 'r', assume_role_policy: '{}' },
      { aws_iam_role_policy_attachment: { a: { role: ref('aws_iam_role.x', 'name'), policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } } },
    ),
    message: /^AWS managed policies attached: aws_iam_role_policy_attachment\.a arn:aws:iam::aws:policy\/AdministratorAccess$/,
    good: resourceDoc(
      'aws_iam_role',
      { name: 'r', assume_role_policy: '{}' },
      {
        aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: ref('aws_iam_policy.mine', 'arn') } },
        aws_iam_policy: { mine: { policy: policy({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:eu-west-1:111122223333:q' }) } },
      },
    ),
  },
  {
    rule: 'CKV_AWS_28',
    bad: resourceDoc('aws_dynamodb_table', { name: 't' }),
    message: /^point_in_time_recovery.enabled is not set$/,
    good: resourceDoc('aws_dynamodb_table', { name: 't', point_in_time_recovery: { enabled: true } }),
  },
  {
    rule: 'CKV_AWS_119',
    bad: resourceDoc('aws_dynamodb_table', { name: 't', server_side_encryption: { enabled: true } }),
    message: /kms_key_arn is not set: the table uses the AWS managed key/,
    good: resourceDoc('aws_dynamodb_table', { name: 't', server_side_encryption: { enabled: true, kms_key_arn: 'arn:aws:kms:eu-west-1:111122223333:key/k' } }),
  },
  {
    rule: 'CKV_AWS_66',
    bad: resourceDoc('aws_cloudwatch_log_group', { name: 'g' }),
    message: /^retention_in_days is not set: events are kept forever$/,
    good: resourceDoc('aws_cloudwatch_log_group', { name: 'g', retention_in_days: 30 }),
  },
  ...(['CKV_AWS_26', 'AwsSolutions-SNS2'] as const).map((rule) => ({
    rule,
    bad: resourceDoc('aws_sns_topic', { name: 'messages' }),
    message: /^kms_master_key_id is not set: the topic has no server-side encryption$/,
    good: resourceDoc('aws_sns_topic', TOPIC),
  })),
  {
    rule: 'AwsSolutions-SNS3',
    bad: resourceDoc('aws_sns_topic', TOPIC, {
      aws_sns_topic_policy: {
        p: {
          arn: ref('aws_sns_topic.x', 'arn'),
          policy: policy({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: ref('aws_sns_topic.x', 'arn'),
          }),
        },
      },
    }),
    message: /^aws_sns_topic_policy\.p\.policy has no statement that denies sns:Publish to "\*" on the topic when aws:SecureTransport is false$/,
    good: {
      resource: {
        aws_sns_topic: { x: TOPIC },
        aws_sns_topic_policy: { p: { arn: ref('aws_sns_topic.x', 'arn'), policy: ref('data.aws_iam_policy_document.d', 'json') } },
      },
      data: { aws_iam_policy_document: { d: { statement: [tlsDenyBlock('sns:Publish', ref('aws_sns_topic.x', 'arn'))] } } },
    },
  },
  {
    rule: 'CKV_AWS_27',
    bad: resourceDoc('aws_sqs_queue', { name: 'failed', sqs_managed_sse_enabled: false }),
    message: /^kms_master_key_id is not set and sqs_managed_sse_enabled is false: the queue is not set to be encrypted$/,
    good: resourceDoc('aws_sqs_queue', QUEUE),
  },
  {
    rule: 'AwsSolutions-SQS2',
    bad: resourceDoc('aws_sqs_queue', { name: 'failed', kms_master_key_id: '' }),
    message: /^kms_master_key_id is "" and sqs_managed_sse_enabled is not set/,
    good: resourceDoc('aws_sqs_queue', { name: 'failed', kms_master_key_id: 'alias/aws/sqs' }),
  },
  {
    rule: 'AwsSolutions-SQS4',
    bad: resourceDoc('aws_sqs_queue', QUEUE),
    message: /^no aws_sqs_queue_policy has queue_url referencing this queue, and it has no inline policy, so nothing denies requests without TLS$/,
    good: resourceDoc('aws_sqs_queue', QUEUE, {
      aws_sqs_queue_policy: { p: { queue_url: ref('aws_sqs_queue.x', 'url'), policy: tlsDenyJson('sqs:*', ref('aws_sqs_queue.x', 'arn')) } },
    }),
  },
  {
    rule: 'AwsSolutions-SQS3',
    bad: resourceDoc('aws_sqs_queue', QUEUE),
    message: /^redrive_policy is not set and no other resource sends its failures to this queue/,
    good: resourceDoc('aws_sqs_queue', QUEUE, {
      aws_lambda_event_source_mapping: { m: { ...STREAM_MAPPING, destination_config: { on_failure: { destination_arn: ref('aws_sqs_queue.x', 'arn') } } } },
    }),
  },
  {
    rule: 'CONTACT-ESM-FAILURES',
    bad: resourceDoc('aws_lambda_event_source_mapping', {
      event_source_arn: ref('aws_dynamodb_table.t', 'stream_arn'),
      function_name: 'f',
      maximum_retry_attempts: -1,
    }),
    message:
      /^DynamoDB stream: destination_config\.on_failure\.destination_arn is not set: records that keep failing are dropped; maximum_retry_attempts is -1; .*maximum_record_age_in_seconds is not set; .*bisect_batch_on_function_error is not set: .*function_response_types is not set, without "ReportBatchItemFailures"/,
    good: resourceDoc('aws_lambda_event_source_mapping', STREAM_MAPPING),
  },
];

describe('each rule fails a bad resource with a clear message, and passes a good one', () => {
  test('every default rule has a case', () => {
    const covered = new Set(CASES.map((c) => c.rule));
    expect(DEFAULT_RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual(['AwsSolutions-S1']);
    // AwsSolutions-S1 shares its check with CKV_AWS_18, as the CloudFront and stage pairs share theirs:
    expect(DEFAULT_RULES.find((r) => r.id === 'AwsSolutions-S1')!.check).toBe(DEFAULT_RULES.find((r) => r.id === 'CKV_AWS_18')!.check);
  });

  test.each(CASES.map((c) => [c.rule, c] as const))('%s', (rule, c) => {
    const bad = find(checkStack(c.bad), rule, '.x');
    expect(bad).toHaveLength(1);
    expect(bad[0].status).toBe('fail');
    expect(bad[0].message).toMatch(c.message);
    const good = find(checkStack(c.good), rule, '.x');
    expect(good.map((r) => [r.status, r.message])).toEqual([['pass', expect.any(String)]]);
  });
});

describe('suppressions in the JSON', () => {
  const withSuppressions = (suppressions: object[], body: object = {}): Doc =>
    resourceDoc('aws_dynamodb_table', { '//': { metadata: { path: 's/t' }, suppressions }, name: 't', ...body });

  test('a suppression turns a failure into suppressed, with its reason', () => {
    const [result] = find(checkStack(withSuppressions([{ ruleId: 'CKV_AWS_28', reason: 'restored from backups elsewhere' }])), 'CKV_AWS_28');
    expect(result).toEqual({
      ruleId: 'CKV_AWS_28',
      ruleSet: 'checkov',
      title: 'DynamoDB table has point-in-time recovery enabled',
      address: 'aws_dynamodb_table.x',
      status: 'suppressed',
      message: 'point_in_time_recovery.enabled is not set',
      reason: 'restored from backups elsewhere',
    });
  });

  test('a suppression of a rule that holds is reported as unnecessary, and the result stays pass', () => {
    const [result] = find(
      checkStack(withSuppressions([{ ruleId: 'CKV_AWS_28', reason: 'no longer true' }], { point_in_time_recovery: { enabled: true } })),
      'CKV_AWS_28',
    );
    expect(result.status).toBe('pass');
    expect(result.message).toBe('point_in_time_recovery.enabled = true (unnecessary suppression: the rule holds; reason given: "no longer true")');
  });

  test('appliesTo suppresses only the findings it names', () => {
    const doc = (appliesTo: string[]): Doc =>
      resourceDoc('aws_iam_policy', {
        '//': { suppressions: [{ ruleId: 'AwsSolutions-IAM5', reason: 'X-Ray has no resource-level permissions', appliesTo }] },
        policy: policy({ Effect: 'Allow', Action: ['xray:PutTraceSegments'], Resource: '*' }),
      });
    expect(find(checkStack(doc(['Resource::* for xray:PutTraceSegments'])), 'AwsSolutions-IAM5')[0].status).toBe('suppressed');
    const [partial] = find(checkStack(doc(['Resource::* for xray:PutTelemetryRecords'])), 'AwsSolutions-IAM5');
    expect(partial.status).toBe('fail');
    expect(partial.message).toMatch(/not covered: Resource::\* for xray:PutTraceSegments\)$/);
  });

  test('a suppression of another rule or another resource changes nothing', () => {
    expect(find(checkStack(withSuppressions([{ ruleId: 'CKV_AWS_119', reason: 'some other rule entirely' }])), 'CKV_AWS_28')[0].status).toBe('fail');
  });
});

describe('any stack JSON', () => {
  test('unknown resource types and data sources are ignored; an empty document has no results', () => {
    expect(checkStack({}).results).toEqual([]);
    expect(checkStack({ resource: { google_storage_bucket: { b: { name: 'x' } } }, data: { aws_region: { r: {} } } }).results).toEqual([]);
    expect(checkStack('{"resource":{}}').results).toEqual([]);
  });

  test('rejects a document that is not a Terraform JSON object', () => {
    expect(() => checkStack('[]')).toThrow('checkStack: the stack JSON must be an object');
    expect(() => checkStack('not json')).toThrow();
  });

  const types = [...new Set(DEFAULT_RULES.flatMap((r) => r.resourceTypes))];
  const oddBodies: Record<string, unknown>[] = [
    {},
    { policy: 42, statement: 'x', bucket: null, settings: [], environment: { variables: 'x' }, origin: 'x', viewer_certificate: [], lifecycle: null },
    { policy: '${var.policy}', inline_policy: [{ policy: '${jsonencode(local.p)}' }], runtime: 3, principal: null, default_cache_behavior: [null] },
  ];
  test.each(oddBodies.map((body, i) => [i, body] as const))('missing or odd attributes fail with a message, never a crash (body %i)', (_i, body) => {
    const doc = { resource: Object.fromEntries(types.map((type) => [type, { x: body }])) };
    const report = checkStack(doc);
    expect(report.results.length).toBeGreaterThan(10);
    for (const result of report.results) {
      expect(result.message).not.toMatch(/could not evaluate/);
      expect(result.message.length).toBeGreaterThan(5);
    }
  });

  test('a policy held in a variable fails IAM5 as unreadable, rather than passing', () => {
    const [result] = find(checkStack(resourceDoc('aws_iam_role_policy', { role: 'r', policy: '${var.policy}' })), 'AwsSolutions-IAM5');
    expect(result).toMatchObject({ status: 'fail', message: 'policy is the expression ${var.policy}, which a static check cannot read' });
  });

  test('a rule that throws is reported as a failure of that rule, not a crash', () => {
    const broken: Rule = {
      id: 'X-1',
      ruleSet: 'project',
      title: 't',
      resourceTypes: ['aws_s3_bucket'],
      check: () => {
        throw new Error('boom');
      },
    };
    expect(checkStack(resourceDoc('aws_s3_bucket', BUCKET), { rules: [broken] }).failed[0].message).toBe('the rule could not evaluate this resource: boom');
  });

  test('custom rules run instead of the defaults', () => {
    const rule: Rule = {
      id: 'MY-1',
      ruleSet: 'project',
      title: 'buckets are named',
      resourceTypes: ['aws_s3_bucket'],
      check: (r) => ({ ok: typeof r.body.bucket === 'string', message: `bucket is ${String(r.body.bucket)}` }),
    };
    expect(checkStack(resourceDoc('aws_s3_bucket', BUCKET), { rules: [rule] }).results).toEqual([
      { ruleId: 'MY-1', ruleSet: 'project', title: 'buckets are named', address: 'aws_s3_bucket.x', status: 'pass', message: 'bucket is b' },
    ]);
  });

  test('CKV_AWS_363 judges deprecation on the given day, and fails runtimes it does not know', () => {
    const rule = lambdaRuntimeRule(() => new Date('2027-05-01T00:00:00Z'));
    expect(checkStack(resourceDoc('aws_lambda_function', FUNCTION), { rules: [rule] }).failed[0].message).toBe(
      'runtime "nodejs22.x" was deprecated on 2027-04-30',
    );
    expect(checkStack(resourceDoc('aws_lambda_function', { ...FUNCTION, runtime: 'nodejs99.x' }), { rules: [rule] }).failed[0].message).toMatch(
      /^runtime "nodejs99.x" is not a runtime this check knows/,
    );
    expect(checkStack(resourceDoc('aws_lambda_function', { package_type: 'Image' }), { rules: [rule] }).results).toEqual([]);
  });
});

describe('SNS, SQS and event source mapping rules read the stack as the upstream rules do', () => {
  const TOPIC_ARN = ref('aws_sns_topic.x', 'arn');
  const QUEUE_ARN = ref('aws_sqs_queue.x', 'arn');
  const topicWithPolicy = (policyBody: object, extra: Doc['resource'] = {}): Doc =>
    resourceDoc('aws_sns_topic', TOPIC, { aws_sns_topic_policy: { p: policyBody }, ...extra });
  const result = (doc: Doc, rule: string): CheckResult => find(checkStack(doc), rule, '.x')[0];

  test('SNS3: a literal JSON policy, sns:* or an inline policy pass; a policy of another topic, or a Deny of other actions, do not', () => {
    expect(result(topicWithPolicy({ arn: TOPIC_ARN, policy: tlsDenyJson('sns:Publish', TOPIC_ARN) }), 'AwsSolutions-SNS3').status).toBe('pass');
    expect(result(topicWithPolicy({ arn: TOPIC_ARN, policy: tlsDenyJson('SNS:*', '*') }), 'AwsSolutions-SNS3').status).toBe('pass');
    expect(result(resourceDoc('aws_sns_topic', { ...TOPIC, policy: tlsDenyJson('sns:Publish', TOPIC_ARN) }), 'AwsSolutions-SNS3').status).toBe('pass');
    const other = topicWithPolicy(
      { arn: ref('aws_sns_topic.other', 'arn'), policy: tlsDenyJson('sns:Publish', ref('aws_sns_topic.other', 'arn')) },
      { aws_sns_topic: { x: TOPIC, other: { name: 'other' } } },
    );
    expect(result(other, 'AwsSolutions-SNS3')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/^no aws_sns_topic_policy has arn referencing this topic/),
    });
    expect(result(topicWithPolicy({ arn: TOPIC_ARN, policy: tlsDenyJson('sns:Subscribe', TOPIC_ARN) }), 'AwsSolutions-SNS3').status).toBe('fail');
    expect(result(topicWithPolicy({ arn: TOPIC_ARN, policy: '${var.policy}' }), 'AwsSolutions-SNS3').message).toBe(
      'aws_sns_topic_policy.p.policy is the expression ${var.policy}, which a static check cannot read',
    );
  });

  test('SQS4: the Deny has to cover every SQS action (sqs:* or *), on this queue, by reference or by literal URL', () => {
    const withQueuePolicy = (queueUrl: string, document: string): Doc =>
      resourceDoc('aws_sqs_queue', QUEUE, { aws_sqs_queue_policy: { p: { queue_url: queueUrl, policy: document } } });
    expect(result(withQueuePolicy(ref('aws_sqs_queue.x', 'url'), tlsDenyJson('sqs:SendMessage', QUEUE_ARN)), 'AwsSolutions-SQS4').message).toBe(
      'aws_sqs_queue_policy.p.policy has no statement that denies sqs:* to "*" on the queue when aws:SecureTransport is false',
    );
    const literal = withQueuePolicy('https://sqs.eu-west-1.amazonaws.com/111122223333/failed', tlsDenyJson('*', 'arn:aws:sqs:eu-west-1:111122223333:failed'));
    expect(result(literal, 'AwsSolutions-SQS4').status).toBe('pass');
  });

  test("CKV_AWS_27 passes SSE-SQS or a KMS key, as checkov does; SQS3 passes its own redrive_policy, or being another queue's DLQ", () => {
    expect(result(resourceDoc('aws_sqs_queue', { name: 'q', kms_master_key_id: ref('aws_kms_key.k', 'arn') }), 'CKV_AWS_27').status).toBe('pass');
    const redrive = JSON.stringify({ deadLetterTargetArn: ref('aws_sqs_queue.dlq', 'arn'), maxReceiveCount: 5 });
    expect(result(resourceDoc('aws_sqs_queue', { ...QUEUE, redrive_policy: redrive }), 'AwsSolutions-SQS3').message).toBe(
      'redrive_policy sends failed messages to deadLetterTargetArn "${aws_sqs_queue.dlq.arn}"',
    );
    const dlq = resourceDoc('aws_sqs_queue', QUEUE, {
      aws_sqs_queue: { x: QUEUE, main: { name: 'main', redrive_policy: `\${jsonencode({deadLetterTargetArn = aws_sqs_queue.x.arn, maxReceiveCount = 5})}` } },
    });
    expect(result(dlq, 'AwsSolutions-SQS3').message).toBe("it is a dead-letter queue itself: a queue's redrive_policy (aws_sqs_queue.main) names it");
    expect(result(resourceDoc('aws_sqs_queue', { ...QUEUE, redrive_policy: '{"maxReceiveCount":5}' }), 'AwsSolutions-SQS3').status).toBe('fail');
  });

  test('CONTACT-ESM-FAILURES: applies to DynamoDB and Kinesis streams only; each missing setting is a finding', () => {
    const mapping = (body: object): Doc => resourceDoc('aws_lambda_event_source_mapping', { ...STREAM_MAPPING, ...body });
    expect(find(checkStack(mapping({ event_source_arn: ref('aws_sqs_queue.q', 'arn') })), 'CONTACT-ESM-FAILURES')).toEqual([]);
    expect(find(checkStack(mapping({ event_source_arn: undefined })), 'CONTACT-ESM-FAILURES')).toEqual([]);
    const kinesis = result(
      mapping({ event_source_arn: 'arn:aws:kinesis:eu-west-1:111122223333:stream/s', maximum_retry_attempts: 10001 }),
      'CONTACT-ESM-FAILURES',
    );
    expect(kinesis.message).toMatch(/^Kinesis stream: maximum_retry_attempts is 10001; it must be 0 to 10000/);
    const suppressed = mapping({
      '//': {
        suppressions: [{ ruleId: 'CONTACT-ESM-FAILURES', reason: 'records are replayed from the table', appliesTo: ['bisect_batch_on_function_error'] }],
      },
      bisect_batch_on_function_error: false,
      maximum_record_age_in_seconds: -1,
    });
    expect(result(suppressed, 'CONTACT-ESM-FAILURES')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('not covered: maximum_record_age_in_seconds'),
    });
  });
});
