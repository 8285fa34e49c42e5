/**
 * The synth benchmark's yardstick: the example stack (main.ts, no configuration) written by hand, as a careful
 * user would write it without this library: plain provider classes in one cdktf stack, literal values, the
 * handler's zip built beforehand (a separate build step) and added as a TerraformAsset, the site's files listed
 * by hand. Its cdk.tf.json is the example's, byte for byte (__tests__/integration/bench-handwritten.test.ts):
 * the same 47 resources and data sources at the same addresses, with the same settings and the same
 * suppressions. Plain `Construct`s named `site` and `contact` give the addresses the same prefixes.
 *
 * `node handwritten-app.js` (or `cdktf synth` with it as the app) reads BENCH_HANDLER_ZIP, the prebuilt
 * `contact-handler.zip` (bundleContactHandler() in handlers/bundle.ts builds it), and BENCH_SITE_DIR, the site
 * folder (default: the repository's `site/`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, AssetType, Fn, LocalBackend, TerraformAsset, TerraformOutput, TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayGatewayResponse } from '@cdktf/provider-aws/lib/api-gateway-gateway-response';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayIntegrationResponse } from '@cdktf/provider-aws/lib/api-gateway-integration-response';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodResponse } from '@cdktf/provider-aws/lib/api-gateway-method-response';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontFunction } from '@cdktf/provider-aws/lib/cloudfront-function';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { CloudfrontResponseHeadersPolicy } from '@cdktf/provider-aws/lib/cloudfront-response-headers-policy';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCloudfrontCachePolicy } from '@cdktf/provider-aws/lib/data-aws-cloudfront-cache-policy';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';

export interface HandwrittenOptions {
  /** The prebuilt `contact-handler.zip`. */
  readonly handlerZip: string;
  /** The site folder. */
  readonly siteDir: string;
}

/** The site's files, uploaded as they are: key, Content-Type, Cache-Control. `contact.html` is written with the API's URL in it. */
const SITE_FILES: readonly (readonly [string, string, string])[] = [
  ['404.html', 'text/html; charset=utf-8', 'no-cache'],
  ['contact.js', 'text/javascript; charset=utf-8', 'no-cache'],
  ['favicon.svg', 'image/svg+xml', 'public, max-age=3600'],
  ['index.html', 'text/html; charset=utf-8', 'no-cache'],
  ['robots.txt', 'text/plain; charset=utf-8', 'public, max-age=3600'],
  ['styles.css', 'text/css; charset=utf-8', 'no-cache'],
  ['thank-you.html', 'text/html; charset=utf-8', 'no-cache'],
];

const VIEWER_REQUEST_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith("/")) {
    request.uri = uri + "index.html";
  } else if (uri.lastIndexOf(".") < uri.lastIndexOf("/")) {
    request.uri = uri + "/index.html";
  }
  return request;
}
`;

const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integration.error',
  errorMessage: '$context.error.message',
  errorType: '$context.error.responseType',
});

const API_GATEWAY_LOG_ACTIONS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:DescribeLogGroups',
  'logs:DescribeLogStreams',
  'logs:PutLogEvents',
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
];

const trustPolicy = (service: string): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });

// --- Why the scanners' rules that do not hold here do not (checkov, cdk-nag), as in the example ----------------
const PUBLIC_FORM =
  "POST /contact is a public contact form: its callers are anonymous visitors, so there is no identity to authorize, and an API key in the page's JavaScript would be public. Abuse is bounded by stage throttling (10 rps, burst 20), the CORS allowlist, body validation and size limits in the handler, and a function that may only PutItem.";
const NO_CACHE =
  'Every request is a POST of a new message (or its preflight): nothing may be answered from a cache, and a cache cluster costs from $14 a month.';
const DEFAULT_CERTIFICATE =
  "No domainName: the site is served on its *.cloudfront.net name with CloudFront's default certificate, for which CloudFront fixes the minimum viewer protocol at TLSv1 (minimum_protocol_version only applies to a custom certificate). With domainName the distribution uses TLSv1.2_2021.";
const DISTRIBUTION_WAF =
  'WAF is opt-in (webAclArn): a web ACL costs from $5 a month plus rules and requests, and this distribution serves public, cached static files from a bucket that only CloudFront can read (OAC), over HTTPS with security headers. Pass webAclArn (a CLOUDFRONT-scope web ACL) to attach one.';
const CLOUDFRONT_LOGGING =
  'CloudFront standard logging is opt-in (accessLogging): it writes with ACLs into a separate log bucket (BucketOwnerPreferred, awslogsdelivery grant) that this construct does not own. Pass accessLogging to turn it on.';
const LOG_GROUP_KEY =
  'No logsKmsKeyArn: CloudWatch Logs encrypts every log group at rest; a customer managed key adds a key policy for the logs service and $1 a month. The logs hold request metadata, ids and outcomes, never the message or its sender (see ACCESS_LOG_FORMAT and the handler).';
const LOG_RETENTION =
  "Kept 30 days (logRetentionDays): the access logs hold visitors' IP addresses, personal data kept no longer than needed to investigate a problem. Set logRetentionDays to 365 or more where a policy asks for a year.";
const BUCKET_LOGGING =
  'S3 server access logging is opt-in (bucketAccessLogging): it needs a separate log bucket that this construct does not own. The bucket is private and only CloudFront reads it (OAC, bound to this distribution), so viewer requests are in the CloudFront logs when accessLogging is on.';

type Suppression = readonly [ruleId: string, reason: string, appliesTo?: readonly string[]];

/** Writes the suppressions into the resource's `"//"` block, where `checkStack` and reviewers read them. */
function suppress(resource: TerraformResource, rules: readonly Suppression[]): void {
  resource.addOverride(
    '//.suppressions',
    rules.map(([ruleId, reason, appliesTo]) => ({ ruleId, reason, ...(appliesTo ? { appliesTo } : {}) })),
  );
}

const md5 = (file: string): string => createHash('md5').update(readFileSync(file)).digest('hex');

export class HandwrittenContactSiteStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: HandwrittenOptions) {
    super(scope, id);
    this.addOverride('terraform.required_version', '>= 1.10');
    new AwsProvider(this, 'aws', { region: 'us-east-1', defaultTags: [{ tags: { Project: 'contact-site', ManagedBy: 'cdktf' } }] });
    new LocalBackend(this, { path: '../../../terraform.contact-site.tfstate' });
    const site = new Construct(this, 'site');
    const contact = new Construct(this, 'contact');

    // --- Site: private bucket --------------------------------------------------------------------------------
    const bucket = new S3Bucket(site, 'bucket', { bucketPrefix: 'contact-site-site-site-', forceDestroy: false });
    suppress(bucket, [
      ['CKV_AWS_18', BUCKET_LOGGING],
      ['AwsSolutions-S1', BUCKET_LOGGING],
      [
        'CKV_AWS_21',
        "The bucket holds the build output of siteDir, which every deploy uploads again from source control: source control is the version history; object versions would keep every deploy's files, billed, for nothing to restore.",
      ],
      [
        'CKV_AWS_144',
        'The bucket holds the build output of siteDir, which every deploy uploads again from source control, so a copy in a second region adds cost and a replication role without a copy worth keeping (see CKV_AWS_310).',
      ],
      [
        'CKV_AWS_145',
        'Encrypted at rest with SSE-S3 (AES256, CKV_AWS_19). The files are public once served; SSE-KMS would add a key policy granting CloudFront decrypt (OAC with KMS) and a KMS request per cache miss, protecting nothing a reader cannot fetch.',
      ],
      ['CKV2_AWS_62', 'Nothing reacts to changes in the site bucket: only deploys write to it, and they are in the Terraform plan and CloudTrail.'],
    ]);
    const publicAccessBlock = new S3BucketPublicAccessBlock(site, 'public-access-block', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(site, 'ownership-controls', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    const encryption = new S3BucketServerSideEncryptionConfigurationA(site, 'encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketLifecycleConfiguration(site, 'lifecycle', {
      bucket: bucket.id,
      rule: [{ id: 'abort-incomplete-uploads', status: 'Enabled', filter: [{}], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }] }],
    });

    // --- Contact API: table, function ------------------------------------------------------------------------
    const table = new DynamodbTable(contact, 'table', {
      name: 'contact-site-contact-submissions-623a8b21',
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'id',
      attribute: [{ name: 'id', type: 'S' }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: true,
    });
    suppress(table, [
      [
        'CKV_AWS_119',
        'No tableKmsKeyArn: the table is encrypted at rest with the AWS managed key aws/dynamodb. A customer managed key adds key-policy control and per-use CloudTrail records at $1 a month plus requests; pass tableKmsKeyArn to use one.',
      ],
    ]);
    const region = new DataAwsRegion(contact, 'region');
    const handlerZip = new TerraformAsset(contact, 'handler-zip', { path: options.handlerZip, type: AssetType.FILE });
    const functionLogs = new CloudwatchLogGroup(contact, 'function-logs', { name: '/aws/lambda/contact-site-contact-handler-5b64942d', retentionInDays: 30 });
    const functionRole = new IamRole(contact, 'function-role', {
      name: 'contact-site-contact-handler-5b64942d',
      description: 'Contact form handler: writes submissions, nothing else',
      assumeRolePolicy: trustPolicy('lambda.amazonaws.com'),
      lifecycle: { createBeforeDestroy: true },
    });
    const functionPolicyDocument = new DataAwsIamPolicyDocument(contact, 'function-policy-document', {
      statement: [
        { sid: 'StoreSubmissions', effect: 'Allow', actions: ['dynamodb:PutItem', 'dynamodb:GetItem'], resources: [table.arn] },
        { sid: 'WriteOwnLogs', effect: 'Allow', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${functionLogs.arn}:*`] },
        { sid: 'SendTraces', effect: 'Allow', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
      ],
    });
    const functionPolicy = new IamRolePolicy(contact, 'function-policy', {
      name: 'contact-handler',
      role: functionRole.id,
      policy: functionPolicyDocument.json,
      lifecycle: { createBeforeDestroy: true },
    });
    suppress(functionPolicy, [
      [
        'AwsSolutions-IAM5',
        'logs:CreateLogStream and logs:PutLogEvents are limited to this function\'s own log group; its streams are named per execution environment at run time, so they can only be matched with ":*" inside that group. X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions, so "*" is their only valid resource.',
        [
          `Resource::${functionLogs.arn}:* for logs:CreateLogStream`,
          `Resource::${functionLogs.arn}:* for logs:PutLogEvents`,
          'Resource::* for xray:PutTraceSegments',
          'Resource::* for xray:PutTelemetryRecords',
        ],
      ],
    ]);

    // --- Site: CloudFront ------------------------------------------------------------------------------------
    const originAccessControl = new CloudfrontOriginAccessControl(site, 'origin-access-control', {
      name: 'contact-site-site-oac-e5cb96c2',
      description: 'CloudFront signs every request to the site bucket',
      originAccessControlOriginType: 's3',
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    });
    const cachePolicy = new DataAwsCloudfrontCachePolicy(site, 'caching-optimized', { name: 'Managed-CachingOptimized' });
    const restApi = new ApiGatewayRestApi(contact, 'api', {
      name: 'contact-site-contact-api-cac6ad47',
      description: 'Contact form API',
      endpointConfiguration: { types: ['REGIONAL'] },
      lifecycle: { createBeforeDestroy: true },
    });
    const apiOrigin = `https://${restApi.id}.execute-api.${region.region}.amazonaws.com`;
    const securityHeaders = new CloudfrontResponseHeadersPolicy(site, 'security-headers', {
      name: 'contact-site-site-security-headers-d0a1136e',
      comment: 'Security headers for the static site',
      securityHeadersConfig: {
        contentSecurityPolicy: {
          contentSecurityPolicy: `default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; connect-src 'self' ${apiOrigin}; form-action 'self' ${apiOrigin}; frame-ancestors 'none'; base-uri 'self'; object-src 'none'; upgrade-insecure-requests`,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: 'DENY', override: true },
        referrerPolicy: { referrerPolicy: 'strict-origin-when-cross-origin', override: true },
        strictTransportSecurity: { accessControlMaxAgeSec: 63072000, includeSubdomains: false, preload: false, override: true },
      },
      customHeadersConfig: { items: [{ header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()', override: true }] },
    });
    suppress(securityHeaders, [
      [
        'CKV_AWS_259',
        "HSTS is sent for two years with override, but without preload, and includeSubDomains only with hstsIncludeSubdomains: preload puts the whole registrable domain, every subdomain included, on browsers' built-in HTTPS-only lists, a commitment that takes months to undo and that this construct cannot make for the owner of the domain.",
      ],
    ]);
    const viewerRequest = new CloudfrontFunction(site, 'viewer-request', {
      name: 'contact-site-site-viewer-request-15f3bbb3',
      comment: 'Serves /path/index.html for /path/ and redirects secondary names to the canonical one',
      runtime: 'cloudfront-js-2.0',
      publish: true,
      code: VIEWER_REQUEST_CODE,
      lifecycle: { createBeforeDestroy: true },
    });
    const distribution = new CloudfrontDistribution(site, 'distribution', {
      enabled: true,
      comment: 'Static site contact-site/site',
      defaultRootObject: 'index.html',
      isIpv6Enabled: true,
      httpVersion: 'http2and3',
      priceClass: 'PriceClass_100',
      origin: [{ originId: 'site-bucket', domainName: bucket.bucketRegionalDomainName, originAccessControlId: originAccessControl.id }],
      defaultCacheBehavior: {
        targetOriginId: 'site-bucket',
        viewerProtocolPolicy: 'redirect-to-https',
        allowedMethods: ['GET', 'HEAD'],
        cachedMethods: ['GET', 'HEAD'],
        compress: true,
        cachePolicyId: cachePolicy.id,
        responseHeadersPolicyId: securityHeaders.id,
        functionAssociation: [{ eventType: 'viewer-request', functionArn: viewerRequest.arn }],
      },
      customErrorResponse: [{ errorCode: 404, responseCode: 404, responsePagePath: '/404.html', errorCachingMinTtl: 60 }],
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate: { cloudfrontDefaultCertificate: true },
    });
    suppress(distribution, [
      ['CKV_AWS_174', DEFAULT_CERTIFICATE],
      ['AwsSolutions-CFR4', DEFAULT_CERTIFICATE],
      ['CKV2_AWS_42', DEFAULT_CERTIFICATE],
      ['CKV_AWS_68', DISTRIBUTION_WAF],
      ['AwsSolutions-CFR2', DISTRIBUTION_WAF],
      ['CKV_AWS_86', CLOUDFRONT_LOGGING],
      ['AwsSolutions-CFR3', CLOUDFRONT_LOGGING],
      ['CKV2_AWS_47', 'No web ACL is attached (webAclArn is opt-in, see CKV_AWS_68), so there are no managed rule groups to check.'],
      [
        'CKV_AWS_374',
        'A public website is for readers in every country: geo restriction is a business decision (licensing, sanctions), not a security default. Add restrictions.geoRestriction through an override where one applies.',
      ],
      [
        'CKV_AWS_310',
        'One origin, an S3 bucket in one region (99.99% availability design), and every file cached at the edge; a failover origin needs a second bucket kept in step (CKV_AWS_144), doubling storage and upload for a site that is rebuilt from source on each deploy.',
      ],
    ]);
    const siteUrl = `https://${distribution.domainName}`;
    const bucketPolicyDocument = new DataAwsIamPolicyDocument(site, 'bucket-policy-document', {
      statement: [
        {
          sid: 'AllowCloudFrontReadViaOAC',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudfront.amazonaws.com'] }],
          actions: ['s3:GetObject'],
          resources: [`${bucket.arn}/*`],
          condition: [{ test: 'StringEquals', variable: 'AWS:SourceArn', values: [distribution.arn] }],
        },
        {
          sid: 'AllowCloudFrontListViaOAC',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudfront.amazonaws.com'] }],
          actions: ['s3:ListBucket'],
          resources: [bucket.arn],
          condition: [{ test: 'StringEquals', variable: 'AWS:SourceArn', values: [distribution.arn] }],
        },
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: [bucket.arn, `${bucket.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    new S3BucketPolicy(site, 'bucket-policy', { bucket: bucket.id, policy: bucketPolicyDocument.json, dependsOn: [publicAccessBlock] });

    // --- Contact API: function, REST API, CORS preflight -----------------------------------------------------
    const handler = new LambdaFunction(contact, 'function', {
      functionName: 'contact-site-contact-handler-5b64942d',
      description: 'Stores contact form submissions',
      role: functionRole.arn,
      filename: handlerZip.path,
      sourceCodeHash: createHash('sha256').update(readFileSync(options.handlerZip)).digest('base64'),
      handler: 'index.handler',
      runtime: 'nodejs24.x',
      architectures: ['arm64'],
      memorySize: 256,
      timeout: 10,
      environment: { variables: { TABLE_NAME: table.name, ALLOWED_ORIGINS: siteUrl } },
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'Text', logGroup: functionLogs.name },
      dependsOn: [functionPolicy, functionLogs],
    });
    suppress(handler, [
      [
        'CKV_AWS_116',
        'API Gateway invokes the function synchronously (AWS_PROXY); a dead-letter queue only receives failed asynchronous invocations, so it would never be used. A failure is answered to the caller and logged.',
      ],
      [
        'CKV_AWS_117',
        'The function reaches only the public DynamoDB, CloudWatch Logs and X-Ray endpoints (TLS, IAM-signed) and no private resource; a VPC would add NAT or VPC endpoints and their cost with nothing to protect.',
      ],
      [
        'CKV_AWS_173',
        'The environment holds only non-secret configuration (TABLE_NAME, ALLOWED_ORIGINS, THANK_YOU_URL, REQUIRE_ORIGIN), encrypted at rest by Lambda with its AWS managed key; a customer managed key is for secrets, and there are none (CKV_AWS_45 checks).',
      ],
      [
        'CKV_AWS_272',
        'The zip is built by this deploy from the source in the same commit (esbuild, deterministic) and pinned by source_code_hash in the plan; code signing guards against a zip swapped between a separate build and deploy, which this pipeline does not have.',
      ],
      [
        'CKV_AWS_115',
        'No reservedConcurrency: new accounts have a concurrency limit of 10 and cannot reserve any, and the stage throttling (10 rps, burst 20) already caps the load. Set reservedConcurrency to cap the function itself.',
      ],
    ]);
    const contactResource = new ApiGatewayResource(contact, 'contact-resource', {
      restApiId: restApi.id,
      parentId: restApi.rootResourceId,
      pathPart: 'contact',
    });
    const postMethod = new ApiGatewayMethod(contact, 'post-method', {
      restApiId: restApi.id,
      resourceId: contactResource.id,
      httpMethod: 'POST',
      authorization: 'NONE',
      apiKeyRequired: false,
    });
    suppress(postMethod, [
      ['CKV_AWS_59', PUBLIC_FORM],
      ['AwsSolutions-APIG4', PUBLIC_FORM],
      ['AwsSolutions-COG4', PUBLIC_FORM],
      [
        'CKV2_AWS_53',
        'The body is validated by the handler, which reads JSON and three form encodings and answers every problem as a 4xx JSON error with CORS headers, naming the field; an API Gateway request validator checks JSON models only, and would reject form posts with its own answer.',
      ],
    ]);
    const postIntegration = new ApiGatewayIntegration(contact, 'post-integration', {
      restApiId: restApi.id,
      resourceId: contactResource.id,
      httpMethod: postMethod.httpMethod,
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: handler.invokeArn,
    });
    const cors = new Construct(contact, 'cors');
    const corsMethod = new ApiGatewayMethod(cors, 'method', {
      restApiId: restApi.id,
      resourceId: contactResource.id,
      httpMethod: 'OPTIONS',
      authorization: 'NONE',
      apiKeyRequired: false,
    });
    suppress(corsMethod, [
      [
        'AwsSolutions-APIG4',
        'CORS preflight: browsers send OPTIONS without credentials or custom headers (Fetch standard), so any authorizer would reject every preflight; the MOCK integration only returns the CORS headers and reaches no backend.',
      ],
      [
        'CKV2_AWS_53',
        'CORS preflight: it has no body, its headers are set by the browser, and the MOCK integration only answers with the CORS headers and reaches no backend, so there is nothing to validate.',
      ],
    ]);
    const corsIntegration = new ApiGatewayIntegration(cors, 'integration', {
      restApiId: restApi.id,
      resourceId: contactResource.id,
      httpMethod: corsMethod.httpMethod,
      type: 'MOCK',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
    });
    const corsMethodResponse = new ApiGatewayMethodResponse(cors, 'method-response', {
      restApiId: restApi.id,
      resourceId: contactResource.id,
      httpMethod: corsMethod.httpMethod,
      statusCode: '204',
      responseParameters: {
        'method.response.header.Access-Control-Allow-Origin': true,
        'method.response.header.Access-Control-Allow-Methods': true,
        'method.response.header.Access-Control-Allow-Headers': true,
        'method.response.header.Access-Control-Max-Age': true,
      },
    });
    const corsIntegrationResponse = new ApiGatewayIntegrationResponse(cors, 'integration-response', {
      restApiId: restApi.id,
      resourceId: contactResource.id,
      httpMethod: corsMethod.httpMethod,
      statusCode: '204',
      responseParameters: {
        'method.response.header.Access-Control-Allow-Origin': `'${siteUrl}'`,
        'method.response.header.Access-Control-Allow-Methods': "'POST,OPTIONS'",
        'method.response.header.Access-Control-Allow-Headers': "'Content-Type,Idempotency-Key'",
        'method.response.header.Access-Control-Max-Age': "'600'",
      },
      dependsOn: [corsIntegration, corsMethodResponse],
    });
    const gatewayResponses = (['4xx', '5xx'] as const).map(
      (kind) =>
        new ApiGatewayGatewayResponse(cors, `gateway-response-${kind}`, {
          restApiId: restApi.id,
          responseType: `DEFAULT_${kind.toUpperCase()}`,
          responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': `'${siteUrl}'` },
        }),
    );
    new LambdaPermission(contact, 'invoke-permission', {
      statementId: 'AllowApiGatewayInvokePostContact',
      action: 'lambda:InvokeFunction',
      functionName: handler.functionName,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${restApi.executionArn}/prod/POST/contact`,
    });

    // --- Contact API: deployment, logs, stage ----------------------------------------------------------------
    const deployment = new ApiGatewayDeployment(contact, 'deployment', {
      restApiId: restApi.id,
      description: 'Contact API',
      // A new deployment whenever what it serves changes.
      triggers: {
        redeployment: Fn.sha1(
          Fn.jsonencode([
            contactResource.id,
            postMethod.id,
            postIntegration.id,
            corsMethod.id,
            corsIntegration.id,
            corsMethodResponse.id,
            corsIntegrationResponse.id,
            ...gatewayResponses.map((response) => response.id),
            contactResource.pathPart,
            postMethod.authorization,
            postMethod.apiKeyRequired,
            postIntegration.type,
            postIntegration.integrationHttpMethod,
            postIntegration.uri,
            corsMethod.authorization,
            corsMethod.apiKeyRequired,
            corsIntegration.type,
            corsIntegration.requestTemplates,
            corsMethodResponse.statusCode,
            corsMethodResponse.responseParameters,
            corsIntegrationResponse.statusCode,
            corsIntegrationResponse.responseParameters,
            ...gatewayResponses.map((response) => response.responseParameters),
          ]),
        ),
      },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [contactResource, postMethod, postIntegration, corsMethod, corsIntegration, corsMethodResponse, corsIntegrationResponse, ...gatewayResponses],
    });
    const logGroups = [
      ['access-logs', '/aws/apigateway/contact-site-contact-api-cac6ad47/prod/access'],
      ['execution-logs', `API-Gateway-Execution-Logs_${restApi.id}/prod`],
    ].map(([logId, name]) => new CloudwatchLogGroup(contact, logId!, { name: name!, retentionInDays: 30 }));
    const [accessLogs, executionLogs] = logGroups as [CloudwatchLogGroup, CloudwatchLogGroup];
    for (const logGroup of [functionLogs, ...logGroups]) {
      suppress(logGroup, [
        ['CKV_AWS_158', LOG_GROUP_KEY],
        ['CKV_AWS_338', LOG_RETENTION],
      ]);
    }
    const apiGatewayRole = new IamRole(contact, 'api-gateway-cloudwatch-role', {
      name: 'contact-site-contact-apigw-logs-3aa41871',
      description: "API Gateway's account-wide role for pushing logs to CloudWatch",
      assumeRolePolicy: trustPolicy('apigateway.amazonaws.com'),
    });
    const apiGatewayPolicy = new IamRolePolicy(contact, 'api-gateway-cloudwatch-policy', {
      name: 'push-logs',
      role: apiGatewayRole.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: API_GATEWAY_LOG_ACTIONS, Resource: '*' }] }),
    });
    suppress(apiGatewayPolicy, [
      [
        'AwsSolutions-IAM5',
        "This is the region's account-wide API Gateway CloudWatch role (aws_api_gateway_account): it pushes the logs of every REST API in the region, so the log groups it writes to are not known here. The actions are those of AWS's AmazonAPIGatewayPushToCloudWatchLogs, inline instead of attaching the managed policy (AwsSolutions-IAM4).",
        API_GATEWAY_LOG_ACTIONS.map((action) => `Resource::* for ${action}`),
      ],
    ]);
    const apiGatewayAccount = new ApiGatewayAccount(contact, 'api-gateway-account', { cloudwatchRoleArn: apiGatewayRole.arn, dependsOn: [apiGatewayPolicy] });
    const stage = new ApiGatewayStage(contact, 'stage', {
      restApiId: restApi.id,
      deploymentId: deployment.id,
      stageName: 'prod',
      xrayTracingEnabled: true,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      dependsOn: [executionLogs, apiGatewayAccount],
    });
    const stageWaf =
      'WAF is opt-in (webAclArn): a web ACL costs from $5 a month plus rules and requests. Without one the stage throttles to 10 rps (burst 20), and the handler validates and size-limits every body. Pass webAclArn (a REGIONAL web ACL) to attach one.';
    suppress(stage, [
      ['CKV2_AWS_29', stageWaf],
      ['AwsSolutions-APIG3', stageWaf],
      ['CKV_AWS_120', NO_CACHE],
      [
        'CKV2_AWS_51',
        "The callers are visitors' browsers, which cannot present a client certificate; the backend is a Lambda proxy integration, which needs none.",
      ],
    ]);
    const methodSettings = new ApiGatewayMethodSettings(contact, 'method-settings', {
      restApiId: restApi.id,
      stageName: stage.stageName,
      methodPath: '*/*',
      settings: { throttlingRateLimit: 10, throttlingBurstLimit: 20, metricsEnabled: true, loggingLevel: 'ERROR', dataTraceEnabled: false },
      dependsOn: [executionLogs],
    });
    suppress(methodSettings, [['CKV_AWS_225', NO_CACHE]]);
    const endpoint = `${stage.invokeUrl}/contact`;

    // --- Site: files -----------------------------------------------------------------------------------------
    // The folder copied as it is into a fixed asset folder; each object points into it, with the file's MD5.
    const siteFiles = new TerraformAsset(site, 'site-files', { path: options.siteDir, type: AssetType.DIRECTORY, assetHash: 'files' });
    for (const [key, contentType, cacheControl] of SITE_FILES) {
      new S3Object(site, `file-${key}`, {
        bucket: bucket.id,
        key,
        source: `${siteFiles.path}/${key}`,
        sourceHash: md5(join(options.siteDir, key)),
        contentType,
        cacheControl,
        dependsOn: [encryption],
      });
    }
    // The no-JavaScript form posts to the API: its URL goes into the page, which Terraform writes.
    new S3Object(site, 'file-contact.html', {
      bucket: bucket.id,
      key: 'contact.html',
      content: readFileSync(join(options.siteDir, 'contact.html'), 'utf8').split('{{contactEndpoint}}').join(endpoint),
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'no-cache',
      dependsOn: [encryption],
    });
    new S3Object(site, 'generated-config.json', {
      bucket: bucket.id,
      key: 'config.json',
      content: `${JSON.stringify({ contactEndpoint: endpoint }, null, 2)}\n`,
      contentType: 'application/json; charset=utf-8',
      cacheControl: 'no-cache',
      dependsOn: [encryption],
    });

    // --- Outputs ---------------------------------------------------------------------------------------------
    new TerraformOutput(site, 'url', { value: siteUrl, description: 'The site URL' });
    new TerraformOutput(site, 'distribution-id', { value: distribution.id, description: 'CloudFront distribution id (for invalidations)' });
    new TerraformOutput(site, 'bucket-name', { value: bucket.bucket, description: 'Name of the private bucket that holds the site files' });
    new TerraformOutput(contact, 'endpoint', { value: endpoint, description: 'The URL the contact form posts to' });
    new TerraformOutput(contact, 'table-name', { value: table.name, description: 'DynamoDB table of submissions' });
    new TerraformOutput(contact, 'function-name', { value: handler.functionName, description: 'Contact handler Lambda function' });
  }
}

if (require.main === module) {
  const handlerZip = process.env.BENCH_HANDLER_ZIP;
  if (!handlerZip) throw new Error('BENCH_HANDLER_ZIP is not set: the path of a prebuilt contact-handler.zip');
  const app = new App();
  new HandwrittenContactSiteStack(app, 'contact-site', { handlerZip, siteDir: process.env.BENCH_SITE_DIR ?? join(__dirname, '..', '..', 'site') });
  app.synth();
}
