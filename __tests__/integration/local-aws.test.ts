/**
 * The local AWS (tools/local-aws/, scripts/local-aws*): the CloudFront test double through the real
 * AWS SDK client, as the Terraform provider calls it (ETags, IfMatch, the DEVELOPMENT/LIVE stages,
 * policies round-tripping exactly, managed cache policies by name, distributions stored as sent and
 * the references AWS checks); requests that are not the double's reaching moto; the override file;
 * and `npm run local-aws` as a user runs it (first line, override, Ctrl-C removes it, port closed).
 */
import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACMClient, RequestCertificateCommand } from '@aws-sdk/client-acm';
import {
  CloudFrontClient,
  CreateDistributionWithTagsCommand,
  CreateFunctionCommand,
  CreateOriginAccessControlCommand,
  CreateResponseHeadersPolicyCommand,
  DeleteDistributionCommand,
  DeleteFunctionCommand,
  DeleteResponseHeadersPolicyCommand,
  DescribeFunctionCommand,
  GetCachePolicyCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetFunctionCommand,
  GetOriginAccessControlCommand,
  GetResponseHeadersPolicyCommand,
  GetResponseHeadersPolicyConfigCommand,
  ListCachePoliciesCommand,
  ListDistributionsCommand,
  ListFunctionsCommand,
  ListResponseHeadersPoliciesCommand,
  ListTagsForResourceCommand,
  PublishFunctionCommand,
  TagResourceCommand,
  UpdateDistributionCommand,
  UpdateFunctionCommand,
  UpdateResponseHeadersPolicyCommand,
  type DistributionConfig,
  type ResponseHeadersPolicyConfig,
} from '@aws-sdk/client-cloudfront';
import { APIGatewayClient, GetAccountCommand, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand as CreateLambdaFunctionCommand,
  GetFunctionCommand as GetLambdaFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListFunctionsCommand as ListLambdaFunctionsCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { basePython, ensurePythonEnv, isUpToDate } from '../../scripts/python-env';
import { LOCAL_STATE_FILE, LocalAwsError, OVERRIDE_FILE, providerOverride, startLocalAws, type LocalAws } from '../../scripts/local-aws';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PROJECT = join(__dirname, '..', '..');
const REGION = 'us-east-1';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';

let local: LocalAws;
let cloudfront: CloudFrontClient;
const tmpDirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

/** The error a call fails with (name and HTTP status), or a failure when it succeeds. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

beforeAll(async () => {
  local = await startLocalAws();
  cloudfront = new CloudFrontClient({ region: REGION, endpoint: local.endpoint, credentials: local.credentials });
});

afterAll(async () => {
  await local?.stop();
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

describe('the Python venv', () => {
  test('a second ensure is a no-op: the stamp matches the requirements, nothing is spawned', () => {
    expect(isUpToDate()).toBe(true);
    const started = process.hrtime.bigint();
    const python = ensurePythonEnv();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(python).toBe(join(PROJECT, '.venv', 'bin', 'python'));
    expect(ms).toBeLessThan(200);
    const stamp = JSON.parse(readFileSync(join(PROJECT, '.venv', '.requirements-stamp'), 'utf8'));
    expect(stamp.requirementsSha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(PROJECT, 'tools', 'python', 'requirements.txt')))
        .digest('hex'),
    );
  });

  test('every requirement is pinned exactly and hashed; moto[server] is 5.2.5', () => {
    const requirements = readFileSync(join(PROJECT, 'tools', 'python', 'requirements.txt'), 'utf8');
    const pins = requirements.split('\n').filter((line) => /^[A-Za-z0-9]/.test(line));
    expect(pins.length).toBeGreaterThan(20);
    for (const pin of pins) expect(pin).toMatch(/^[A-Za-z0-9._-]+==[^ ]+ \\$/);
    expect(pins).toContain('moto==5.2.5 \\');
    const blocks = requirements.split(/\n(?=[A-Za-z0-9])/).filter((b) => /^[A-Za-z0-9]/.test(b));
    for (const block of blocks) expect(block).toMatch(/--hash=sha256:[0-9a-f]{64}/);
  });

  test('a missing python3 is named on stderr with what to install', () => {
    const saved = process.env.PYTHON;
    process.env.PYTHON = '/nonexistent/python3';
    try {
      expect(() => basePython()).toThrow(/"\/nonexistent\/python3" was not found.*Python 3\.9\+.*apt-get install -y python3 python3-venv/s);
    } finally {
      if (saved === undefined) delete process.env.PYTHON;
      else process.env.PYTHON = saved;
    }
    const cli = spawnSync(
      process.execPath,
      ['-e', "try { require('./scripts/python-env.js').basePython() } catch (e) { console.error(e.message); process.exit(1) }"],
      {
        cwd: PROJECT,
        env: { ...process.env, PYTHON: '/nonexistent/python3' },
        encoding: 'utf8',
      },
    );
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain('was not found');
  });
});

describe('the CloudFront test double: functions', () => {
  const code1 = 'function handler(event) { return event.request; }';
  const code2 = 'function handler(event) { var r = event.request; r.uri = "/index.html"; return r; }';

  test('create, then the DEVELOPMENT stage only; publish copies it to LIVE with the same ETag', async () => {
    const created = await cloudfront.send(
      new CreateFunctionCommand({ Name: 'fn-stages', FunctionConfig: { Comment: 'first', Runtime: 'cloudfront-js-2.0' }, FunctionCode: Buffer.from(code1) }),
    );
    expect(created.ETag).toMatch(/^E[A-Z0-9]{13}$/);
    expect(created.FunctionSummary).toMatchObject({
      Name: 'fn-stages',
      Status: 'UNPUBLISHED',
      FunctionConfig: { Comment: 'first', Runtime: 'cloudfront-js-2.0' },
      FunctionMetadata: { Stage: 'DEVELOPMENT', FunctionARN: `arn:aws:cloudfront::${local.accountId}:function/fn-stages` },
    });
    const dev = await cloudfront.send(new DescribeFunctionCommand({ Name: 'fn-stages', Stage: 'DEVELOPMENT' }));
    expect(dev.ETag).toBe(created.ETag);
    expect(await failure(cloudfront.send(new DescribeFunctionCommand({ Name: 'fn-stages', Stage: 'LIVE' })))).toEqual({
      name: 'NoSuchFunctionExists',
      status: 404,
    });

    expect(await failure(cloudfront.send(new PublishFunctionCommand({ Name: 'fn-stages', IfMatch: 'EWRONGETAG1234' })))).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    const published = await cloudfront.send(new PublishFunctionCommand({ Name: 'fn-stages', IfMatch: created.ETag }));
    expect(published.FunctionSummary).toMatchObject({ Status: 'UNASSOCIATED', FunctionMetadata: { Stage: 'LIVE' } });
    const live = await cloudfront.send(new DescribeFunctionCommand({ Name: 'fn-stages', Stage: 'LIVE' }));
    expect(live.ETag).toBe(created.ETag);
    const liveCode = await cloudfront.send(new GetFunctionCommand({ Name: 'fn-stages', Stage: 'LIVE' }));
    expect(Buffer.from(liveCode.FunctionCode!).toString()).toBe(code1);
    expect(liveCode.ETag).toBe(created.ETag);
  });

  test('update needs the DEVELOPMENT ETag, changes it (content-derived) and leaves LIVE alone until published', async () => {
    const before = await cloudfront.send(new DescribeFunctionCommand({ Name: 'fn-stages', Stage: 'DEVELOPMENT' }));
    expect(
      await failure(
        cloudfront.send(
          new UpdateFunctionCommand({
            Name: 'fn-stages',
            IfMatch: 'ESTALE00000000',
            FunctionConfig: { Comment: 'second', Runtime: 'cloudfront-js-2.0' },
            FunctionCode: Buffer.from(code2),
          }),
        ),
      ),
    ).toEqual({ name: 'PreconditionFailed', status: 412 });
    const updated = await cloudfront.send(
      new UpdateFunctionCommand({
        Name: 'fn-stages',
        IfMatch: before.ETag,
        FunctionConfig: { Comment: 'second', Runtime: 'cloudfront-js-2.0' },
        FunctionCode: Buffer.from(code2),
      }),
    );
    // The SDK reads UpdateFunction's ETag from the header the API names "ETtag": the provider publishes with it.
    expect(updated.ETag).toMatch(/^E[A-Z0-9]{13}$/);
    expect(updated.ETag).not.toBe(before.ETag);
    expect(updated.FunctionSummary).toMatchObject({ Status: 'UNPUBLISHED', FunctionConfig: { Comment: 'second' } });

    const devCode = await cloudfront.send(new GetFunctionCommand({ Name: 'fn-stages', Stage: 'DEVELOPMENT' }));
    expect(Buffer.from(devCode.FunctionCode!).toString()).toBe(code2);
    const liveCode = await cloudfront.send(new GetFunctionCommand({ Name: 'fn-stages', Stage: 'LIVE' }));
    expect(Buffer.from(liveCode.FunctionCode!).toString()).toBe(code1);
    const live = await cloudfront.send(new DescribeFunctionCommand({ Name: 'fn-stages', Stage: 'LIVE' }));
    expect(live.FunctionSummary?.FunctionConfig?.Comment).toBe('first');

    expect(await failure(cloudfront.send(new PublishFunctionCommand({ Name: 'fn-stages', IfMatch: before.ETag })))).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    await cloudfront.send(new PublishFunctionCommand({ Name: 'fn-stages', IfMatch: updated.ETag }));
    const republished = await cloudfront.send(new DescribeFunctionCommand({ Name: 'fn-stages', Stage: 'LIVE' }));
    expect(republished.ETag).toBe(updated.ETag);
    expect(republished.FunctionSummary?.FunctionConfig?.Comment).toBe('second');
  });

  test('the same code and config give the same ETag (as CloudFront: the provider tests pin fixed ETags)', async () => {
    const a = await cloudfront.send(
      new CreateFunctionCommand({ Name: 'fn-same-a', FunctionConfig: { Comment: '', Runtime: 'cloudfront-js-1.0' }, FunctionCode: Buffer.from(code1) }),
    );
    const b = await cloudfront.send(
      new CreateFunctionCommand({ Name: 'fn-same-b', FunctionConfig: { Comment: '', Runtime: 'cloudfront-js-1.0' }, FunctionCode: Buffer.from(code1) }),
    );
    expect(a.ETag).toBe(b.ETag);
    expect(
      await failure(
        cloudfront.send(
          new CreateFunctionCommand({ Name: 'fn-same-a', FunctionConfig: { Comment: '', Runtime: 'cloudfront-js-1.0' }, FunctionCode: Buffer.from(code1) }),
        ),
      ),
    ).toEqual({
      name: 'FunctionAlreadyExists',
      status: 409,
    });
  });

  test('list by stage, then delete needs the current ETag; a deleted function is gone', async () => {
    const all = await cloudfront.send(new ListFunctionsCommand({}));
    expect(all.FunctionList?.Items?.map((f) => f.Name).sort()).toEqual(['fn-same-a', 'fn-same-b', 'fn-stages']);
    const live = await cloudfront.send(new ListFunctionsCommand({ Stage: 'LIVE' }));
    expect(live.FunctionList?.Items?.map((f) => f.Name)).toEqual(['fn-stages']);

    const current = await cloudfront.send(new DescribeFunctionCommand({ Name: 'fn-same-b' }));
    expect(await failure(cloudfront.send(new DeleteFunctionCommand({ Name: 'fn-same-b', IfMatch: 'ESTALE00000000' })))).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    await cloudfront.send(new DeleteFunctionCommand({ Name: 'fn-same-b', IfMatch: current.ETag }));
    expect(await failure(cloudfront.send(new DescribeFunctionCommand({ Name: 'fn-same-b' })))).toEqual({ name: 'NoSuchFunctionExists', status: 404 });
    expect(await failure(cloudfront.send(new GetFunctionCommand({ Name: 'fn-same-b' })))).toEqual({ name: 'NoSuchFunctionExists', status: 404 });
  });
});

/** Every security header and two custom ones, as the stack's policy sets them. */
const fullPolicy = (name: string): ResponseHeadersPolicyConfig => ({
  Name: name,
  Comment: 'security headers for the site',
  SecurityHeadersConfig: {
    StrictTransportSecurity: { Override: true, AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: false },
    ContentTypeOptions: { Override: true },
    FrameOptions: { Override: true, FrameOption: 'DENY' },
    ReferrerPolicy: { Override: true, ReferrerPolicy: 'strict-origin-when-cross-origin' },
    XSSProtection: { Override: true, Protection: true, ModeBlock: true },
    ContentSecurityPolicy: {
      Override: true,
      ContentSecurityPolicy: "default-src 'self'; connect-src 'self' https://api.example.com; form-action 'self' https://api.example.com",
    },
  },
  CustomHeadersConfig: {
    Quantity: 2,
    Items: [
      { Header: 'Permissions-Policy', Value: 'camera=(), microphone=(), geolocation=()', Override: true },
      { Header: 'Cross-Origin-Opener-Policy', Value: 'same-origin', Override: false },
    ],
  },
});

describe('the CloudFront test double: response headers policies', () => {
  let id: string;
  let etag: string;

  test('create, get and get-config return the whole configuration exactly as sent', async () => {
    const created = await cloudfront.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: fullPolicy('site-headers') }));
    id = created.ResponseHeadersPolicy!.Id!;
    etag = created.ETag!;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(etag).toMatch(/^E[A-Z0-9]{13}$/);
    expect(created.ResponseHeadersPolicy!.ResponseHeadersPolicyConfig).toEqual(fullPolicy('site-headers'));

    const got = await cloudfront.send(new GetResponseHeadersPolicyCommand({ Id: id }));
    expect(got.ETag).toBe(etag);
    expect(got.ResponseHeadersPolicy!.ResponseHeadersPolicyConfig).toEqual(fullPolicy('site-headers'));
    expect(got.ResponseHeadersPolicy!.LastModifiedTime).toBeInstanceOf(Date);
    const config = await cloudfront.send(new GetResponseHeadersPolicyConfigCommand({ Id: id }));
    expect(config.ResponseHeadersPolicyConfig).toEqual(fullPolicy('site-headers'));
    expect(config.ETag).toBe(etag);
  });

  test('a second policy of the same name is refused', async () => {
    expect(await failure(cloudfront.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: fullPolicy('site-headers') })))).toEqual({
      name: 'ResponseHeadersPolicyAlreadyExists',
      status: 409,
    });
  });

  test('update replaces the whole policy (a section left out is gone), needs the ETag and changes it', async () => {
    const replacement: ResponseHeadersPolicyConfig = { ...fullPolicy('site-headers'), CustomHeadersConfig: undefined, Comment: 'no custom headers' };
    delete replacement.CustomHeadersConfig;
    expect(
      await failure(cloudfront.send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: 'ESTALE00000000', ResponseHeadersPolicyConfig: replacement }))),
    ).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    const updated = await cloudfront.send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: etag, ResponseHeadersPolicyConfig: replacement }));
    expect(updated.ETag).not.toBe(etag);
    const got = await cloudfront.send(new GetResponseHeadersPolicyCommand({ Id: id }));
    expect(got.ResponseHeadersPolicy!.ResponseHeadersPolicyConfig).toEqual(replacement);
    expect(got.ResponseHeadersPolicy!.ResponseHeadersPolicyConfig!.CustomHeadersConfig).toBeUndefined();
    expect(got.ETag).toBe(updated.ETag);
    etag = updated.ETag!;
  });

  test('list shows it as a custom policy; delete needs the ETag; then it is gone', async () => {
    const listed = await cloudfront.send(new ListResponseHeadersPoliciesCommand({ Type: 'custom' }));
    expect(listed.ResponseHeadersPolicyList?.Items?.map((s) => [s.Type, s.ResponseHeadersPolicy?.Id])).toEqual([['custom', id]]);
    expect(await failure(cloudfront.send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: 'ESTALE00000000' })))).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    await cloudfront.send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: etag }));
    expect(await failure(cloudfront.send(new GetResponseHeadersPolicyCommand({ Id: id })))).toEqual({ name: 'NoSuchResponseHeadersPolicy', status: 404 });
    const after = await cloudfront.send(new ListResponseHeadersPoliciesCommand({}));
    expect(after.ResponseHeadersPolicyList?.Quantity).toBe(0);
  });
});

describe('the CloudFront test double: managed cache policies', () => {
  test('the provider lookup by name: list, find Managed-CachingOptimized, get it by id with its real settings', async () => {
    const listed = await cloudfront.send(new ListCachePoliciesCommand({}));
    const summary = listed.CachePolicyList?.Items?.find((s) => s.CachePolicy?.CachePolicyConfig?.Name === 'Managed-CachingOptimized');
    expect(summary).toMatchObject({ Type: 'managed', CachePolicy: { Id: CACHING_OPTIMIZED } });
    expect(listed.CachePolicyList?.NextMarker).toBeUndefined();

    const got = await cloudfront.send(new GetCachePolicyCommand({ Id: CACHING_OPTIMIZED }));
    expect(got.ETag).toMatch(/^E[A-Z0-9]{13}$/);
    expect(got.CachePolicy?.CachePolicyConfig).toEqual({
      Name: 'Managed-CachingOptimized',
      Comment: 'Policy with caching enabled. Supports Gzip and Brotli compression.',
      MinTTL: 1,
      DefaultTTL: 86400,
      MaxTTL: 31536000,
      ParametersInCacheKeyAndForwardedToOrigin: {
        EnableAcceptEncodingGzip: true,
        EnableAcceptEncodingBrotli: true,
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
        QueryStringsConfig: { QueryStringBehavior: 'none' },
      },
    });
    const names = listed.CachePolicyList?.Items?.map((s) => s.CachePolicy?.CachePolicyConfig?.Name);
    expect(names).toEqual(expect.arrayContaining(['Managed-CachingDisabled', 'Managed-CachingOptimizedForUncompressedObjects']));
    expect((await cloudfront.send(new ListCachePoliciesCommand({ Type: 'custom' }))).CachePolicyList?.Quantity).toBe(0);
  });

  test('an unknown id is NoSuchCachePolicy', async () => {
    expect(await failure(cloudfront.send(new GetCachePolicyCommand({ Id: '00000000-0000-0000-0000-000000000000' })))).toEqual({
      name: 'NoSuchCachePolicy',
      status: 404,
    });
  });
});

describe('the CloudFront test double: distributions', () => {
  let oacId: string;
  let functionArn: string;
  let functionEtag: string;
  let policyId: string;
  let policyEtag: string;

  const config = (reference: string, extra: Partial<DistributionConfig> = {}): DistributionConfig => ({
    CallerReference: reference,
    Comment: 'site',
    Enabled: true,
    DefaultRootObject: 'index.html',
    HttpVersion: 'http2and3',
    IsIPV6Enabled: true,
    PriceClass: 'PriceClass_100',
    Origins: {
      Quantity: 1,
      Items: [
        {
          Id: 'site',
          DomainName: 'site-bucket.s3.us-east-1.amazonaws.com',
          OriginPath: '',
          ConnectionAttempts: 3,
          ConnectionTimeout: 10,
          OriginAccessControlId: oacId,
          S3OriginConfig: { OriginAccessIdentity: '' },
          CustomHeaders: { Quantity: 0 },
        },
      ],
    },
    DefaultCacheBehavior: {
      TargetOriginId: 'site',
      ViewerProtocolPolicy: 'redirect-to-https',
      Compress: true,
      CachePolicyId: CACHING_OPTIMIZED,
      ResponseHeadersPolicyId: policyId,
      AllowedMethods: { Quantity: 2, Items: ['GET', 'HEAD'], CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] } },
      FunctionAssociations: { Quantity: 1, Items: [{ EventType: 'viewer-request', FunctionARN: functionArn }] },
      LambdaFunctionAssociations: { Quantity: 0 },
    },
    CustomErrorResponses: { Quantity: 1, Items: [{ ErrorCode: 404, ResponseCode: '404', ResponsePagePath: '/404.html', ErrorCachingMinTTL: 10 }] },
    Restrictions: { GeoRestriction: { RestrictionType: 'none', Quantity: 0 } },
    ViewerCertificate: { CloudFrontDefaultCertificate: true, MinimumProtocolVersion: 'TLSv1' },
    ...extra,
  });

  beforeAll(async () => {
    // The origin access control is moto's own: the double does not shadow it.
    const oac = await cloudfront.send(
      new CreateOriginAccessControlCommand({
        OriginAccessControlConfig: { Name: 'site-oac', SigningProtocol: 'sigv4', SigningBehavior: 'always', OriginAccessControlOriginType: 's3' },
      }),
    );
    oacId = oac.OriginAccessControl!.Id!;
    expect((await cloudfront.send(new GetOriginAccessControlCommand({ Id: oacId }))).OriginAccessControl?.OriginAccessControlConfig?.Name).toBe('site-oac');
    const fn = await cloudfront.send(
      new CreateFunctionCommand({
        Name: 'viewer-request',
        FunctionConfig: { Comment: '', Runtime: 'cloudfront-js-2.0' },
        FunctionCode: Buffer.from('function handler(e) { return e.request; }'),
      }),
    );
    functionArn = fn.FunctionSummary!.FunctionMetadata!.FunctionARN!;
    functionEtag = fn.ETag!;
    const policy = await cloudfront.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: fullPolicy('distribution-headers') }));
    policyId = policy.ResponseHeadersPolicy!.Id!;
    policyEtag = policy.ETag!;
  });

  test('an unpublished function cannot be associated (AWS wants its LIVE stage)', async () => {
    expect(
      await failure(
        cloudfront.send(
          new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: config('ref-unpublished'), Tags: { Items: [] } } }),
        ),
      ),
    ).toEqual({
      name: 'InvalidFunctionAssociation',
      status: 400,
    });
    await cloudfront.send(new PublishFunctionCommand({ Name: 'viewer-request', IfMatch: functionEtag }));
  });

  test('references to what does not exist are refused: origin access control, policies, certificate', async () => {
    const create = (c: DistributionConfig) =>
      cloudfront.send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: c, Tags: { Items: [] } } }));
    const base = config('ref-missing');
    expect(
      await failure(create({ ...base, Origins: { Quantity: 1, Items: [{ ...base.Origins!.Items![0]!, OriginAccessControlId: 'ENOSUCHOAC0000' }] } })),
    ).toEqual({
      name: 'NoSuchOriginAccessControl',
      status: 404,
    });
    expect(
      await failure(
        create({ ...base, DefaultCacheBehavior: { ...base.DefaultCacheBehavior!, ResponseHeadersPolicyId: '00000000-0000-0000-0000-000000000000' } }),
      ),
    ).toEqual({
      name: 'NoSuchResponseHeadersPolicy',
      status: 404,
    });
    expect(
      await failure(create({ ...base, DefaultCacheBehavior: { ...base.DefaultCacheBehavior!, CachePolicyId: '00000000-0000-0000-0000-000000000000' } })),
    ).toEqual({
      name: 'NoSuchCachePolicy',
      status: 404,
    });
    const missingCertificate = `arn:aws:acm:us-east-1:${local.accountId}:certificate/00000000-0000-0000-0000-000000000000`;
    expect(
      await failure(
        create({
          ...base,
          Aliases: { Quantity: 1, Items: ['www.example.com'] },
          ViewerCertificate: { ACMCertificateArn: missingCertificate, SSLSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' },
        }),
      ),
    ).toEqual({ name: 'InvalidViewerCertificate', status: 400 });
  });

  test('create with tags, then get returns the configuration as sent: OAC id, function association, policies', async () => {
    const created = await cloudfront.send(
      new CreateDistributionWithTagsCommand({
        DistributionConfigWithTags: { DistributionConfig: config('ref-site'), Tags: { Items: [{ Key: 'Project', Value: 'contact-site' }] } },
      }),
    );
    const id = created.Distribution!.Id!;
    expect(created.Distribution).toMatchObject({
      ARN: `arn:aws:cloudfront::${local.accountId}:distribution/${id}`,
      Status: 'Deployed',
      DomainName: expect.stringMatching(/^d[a-z0-9]{13}\.cloudfront\.net$/),
    });
    const got = await cloudfront.send(new GetDistributionCommand({ Id: id }));
    expect(got.ETag).toBe(created.ETag);
    // As sent, plus the empty OriginGroups AWS returns (the provider reads it without a nil check).
    expect(got.Distribution!.DistributionConfig).toEqual({ ...config('ref-site'), OriginGroups: { Quantity: 0 } });
    // What moto 5.2.5 itself drops or adds: the double keeps what was sent and adds nothing.
    expect(got.Distribution!.DistributionConfig!.Origins!.Items![0]!.OriginAccessControlId).toBe(oacId);
    expect(got.Distribution!.DistributionConfig!.DefaultCacheBehavior!.FunctionAssociations!.Items).toEqual([
      { EventType: 'viewer-request', FunctionARN: functionArn },
    ]);
    expect(got.Distribution!.DistributionConfig!.DefaultCacheBehavior!.ForwardedValues).toBeUndefined();
    expect(got.Distribution!.DistributionConfig!.DefaultCacheBehavior!.MinTTL).toBeUndefined();
    const tags = await cloudfront.send(new ListTagsForResourceCommand({ Resource: got.Distribution!.ARN }));
    expect(tags.Tags?.Items).toEqual([{ Key: 'Project', Value: 'contact-site' }]);
    await cloudfront.send(new TagResourceCommand({ Resource: got.Distribution!.ARN, Tags: { Items: [{ Key: 'Env', Value: 'local' }] } }));
    expect((await cloudfront.send(new ListTagsForResourceCommand({ Resource: got.Distribution!.ARN }))).Tags?.Items).toEqual([
      { Key: 'Project', Value: 'contact-site' },
      { Key: 'Env', Value: 'local' },
    ]);
    const listed = await cloudfront.send(new ListDistributionsCommand({}));
    expect(listed.DistributionList?.Items?.map((d) => [d.Id, d.ARN, d.Enabled])).toEqual([[id, got.Distribution!.ARN, true]]);
    // An associated function reports DEPLOYED, and neither it nor the policy can be deleted while in use.
    const fn = await cloudfront.send(new DescribeFunctionCommand({ Name: 'viewer-request' }));
    expect(fn.FunctionSummary?.Status).toBe('DEPLOYED');
    expect(await failure(cloudfront.send(new DeleteFunctionCommand({ Name: 'viewer-request', IfMatch: fn.ETag })))).toEqual({
      name: 'FunctionInUse',
      status: 409,
    });
    expect(await failure(cloudfront.send(new DeleteResponseHeadersPolicyCommand({ Id: policyId, IfMatch: policyEtag })))).toEqual({
      name: 'ResponseHeadersPolicyInUse',
      status: 409,
    });
  });

  test("an alias another distribution holds is CNAMEAlreadyExists; a certificate moto's ACM issued is accepted", async () => {
    const acm = new ACMClient({ region: REGION, endpoint: local.endpoint, credentials: local.credentials });
    const certificate = await acm.send(
      new RequestCertificateCommand({ DomainName: 'www.example.com', SubjectAlternativeNames: ['example.com'], ValidationMethod: 'DNS' }),
    );
    const withDomain = (reference: string) =>
      config(reference, {
        Aliases: { Quantity: 2, Items: ['www.example.com', 'example.com'] },
        ViewerCertificate: { ACMCertificateArn: certificate.CertificateArn, SSLSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' },
      });
    const first = await cloudfront.send(
      new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: withDomain('ref-domain-1'), Tags: { Items: [] } } }),
    );
    expect((await cloudfront.send(new GetDistributionConfigCommand({ Id: first.Distribution!.Id }))).DistributionConfig?.Aliases?.Items).toEqual([
      'www.example.com',
      'example.com',
    ]);
    expect(
      await failure(
        cloudfront.send(
          new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: withDomain('ref-domain-2'), Tags: { Items: [] } } }),
        ),
      ),
    ).toEqual({
      name: 'CNAMEAlreadyExists',
      status: 409,
    });
    expect(
      await failure(
        cloudfront.send(
          new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: withDomain('ref-domain-1'), Tags: { Items: [] } } }),
        ),
      ),
    ).toEqual({
      name: 'DistributionAlreadyExists',
      status: 409,
    });
  });

  test('the provider destroy: delete refuses an enabled distribution; disable with the ETag (a stale one fails), then delete', async () => {
    const listed = await cloudfront.send(new ListDistributionsCommand({}));
    for (const summary of listed.DistributionList!.Items!) {
      const got = await cloudfront.send(new GetDistributionCommand({ Id: summary.Id }));
      expect(await failure(cloudfront.send(new DeleteDistributionCommand({ Id: summary.Id, IfMatch: got.ETag })))).toEqual({
        name: 'DistributionNotDisabled',
        status: 409,
      });
      const disabledConfig = { ...got.Distribution!.DistributionConfig!, Enabled: false };
      expect(
        await failure(cloudfront.send(new UpdateDistributionCommand({ Id: summary.Id, IfMatch: 'ESTALE00000000', DistributionConfig: disabledConfig }))),
      ).toEqual({
        name: 'PreconditionFailed',
        status: 412,
      });
      const disabled = await cloudfront.send(new UpdateDistributionCommand({ Id: summary.Id, IfMatch: got.ETag, DistributionConfig: disabledConfig }));
      expect(disabled.ETag).not.toBe(got.ETag);
      expect(disabled.Distribution?.DistributionConfig?.Enabled).toBe(false);
      expect(await failure(cloudfront.send(new DeleteDistributionCommand({ Id: summary.Id, IfMatch: got.ETag })))).toEqual({
        name: 'PreconditionFailed',
        status: 412,
      });
      await cloudfront.send(new DeleteDistributionCommand({ Id: summary.Id, IfMatch: disabled.ETag }));
      expect(await failure(cloudfront.send(new GetDistributionCommand({ Id: summary.Id })))).toEqual({ name: 'NoSuchDistribution', status: 404 });
    }
    expect((await cloudfront.send(new ListDistributionsCommand({}))).DistributionList?.Quantity).toBe(0);
    // Nothing references them now: the function and the policy can go.
    const fn = await cloudfront.send(new DescribeFunctionCommand({ Name: 'viewer-request' }));
    expect(fn.FunctionSummary?.Status).toBe('UNASSOCIATED');
    await cloudfront.send(new DeleteFunctionCommand({ Name: 'viewer-request', IfMatch: fn.ETag }));
    await cloudfront.send(new DeleteResponseHeadersPolicyCommand({ Id: policyId, IfMatch: policyEtag }));
  });
});

describe('everything else is moto', () => {
  const s3 = () => new S3Client({ region: REGION, endpoint: local.endpoint, credentials: local.credentials, forcePathStyle: true });

  test('S3: create a bucket, put an object with its headers, get it back', async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'local-aws-test' }));
    await s3().send(
      new PutObjectCommand({
        Bucket: 'local-aws-test',
        Key: 'index.html',
        Body: '<h1>hi</h1>',
        ContentType: 'text/html; charset=utf-8',
        CacheControl: 'no-cache',
      }),
    );
    const object = await s3().send(new GetObjectCommand({ Bucket: 'local-aws-test', Key: 'index.html' }));
    expect({ type: object.ContentType, cache: object.CacheControl, body: await object.Body!.transformToString() }).toEqual({
      type: 'text/html; charset=utf-8',
      cache: 'no-cache',
      body: '<h1>hi</h1>',
    });
    expect((await s3().send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toContain('local-aws-test');
  });

  test('the S3 double: tags given to CreateBucket are stored (moto alone drops them)', async () => {
    await s3().send(
      new CreateBucketCommand({
        Bucket: 'local-aws-tagged',
        CreateBucketConfiguration: {
          Tags: [
            { Key: 'Project', Value: 'contact-site' },
            { Key: 'ManagedBy', Value: 'cdktf' },
          ],
        },
      }),
    );
    const tagging = await s3().send(new GetBucketTaggingCommand({ Bucket: 'local-aws-tagged' }));
    expect(tagging.TagSet).toEqual(
      expect.arrayContaining([
        { Key: 'Project', Value: 'contact-site' },
        { Key: 'ManagedBy', Value: 'cdktf' },
      ]),
    );
    expect(tagging.TagSet).toHaveLength(2);
  });

  test("S3 Control through the server as an HTTP proxy, as the provider sends it (the account id before the endpoint's host)", async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const target = `http://${local.accountId}.127.0.0.1:${local.port}/v20180820/tags/arn:aws:s3:::local-aws-tagged`;
      const req = request(
        {
          host: '127.0.0.1',
          port: local.port,
          path: target, // absolute form: what an HTTP client sends to a proxy
          headers: {
            Host: `${local.accountId}.127.0.0.1:${local.port}`,
            'x-amz-account-id': local.accountId,
            Authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0`,
          },
        },
        (res) => {
          let data = '';
          res.on('data', (d: Buffer) => (data += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(body).toContain('<Key>Project</Key>');
    expect(body).toContain('<Value>contact-site</Value>');
  });

  test("moto fix: a bucket policy's conditional statements do not deny its owner (the site's TLS-only Deny, the OAC Allow)", async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'local-aws-policy' }));
    await s3().send(new PutObjectCommand({ Bucket: 'local-aws-policy', Key: 'index.html', Body: 'x', ContentType: 'text/html' }));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowCloudFrontReadViaOAC',
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::local-aws-policy/*',
          Condition: { StringEquals: { 'AWS:SourceArn': `arn:aws:cloudfront::${local.accountId}:distribution/EXAMPLE` } },
        },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: ['arn:aws:s3:::local-aws-policy', 'arn:aws:s3:::local-aws-policy/*'],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    };
    await s3().send(new PutBucketPolicyCommand({ Bucket: 'local-aws-policy', Policy: JSON.stringify(policy) }));
    // moto 5.2.5 alone answers 403 to both (it counts the unmet conditions as met).
    expect((await s3().send(new HeadObjectCommand({ Bucket: 'local-aws-policy', Key: 'index.html' }))).ContentType).toBe('text/html');
    expect(await (await s3().send(new GetObjectCommand({ Bucket: 'local-aws-policy', Key: 'index.html' }))).Body!.transformToString()).toBe('x');
  });

  test('moto fix: resetting the API Gateway account role without a value (how the provider destroys aws_api_gateway_account)', async () => {
    const apigateway = new APIGatewayClient({ region: REGION, endpoint: local.endpoint, credentials: local.credentials });
    const roleArn = `arn:aws:iam::${local.accountId}:role/apigw-logs`;
    await apigateway.send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: roleArn }] }));
    expect((await apigateway.send(new GetAccountCommand({}))).cloudwatchRoleArn).toBe(roleArn);
    await apigateway.send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn' }] }));
    expect((await apigateway.send(new GetAccountCommand({}))).cloudwatchRoleArn).toBeUndefined();
  });

  describe("Lambda: moto's function with the LoggingConfig double", () => {
    const lambda = () => new LambdaClient({ region: REGION, endpoint: local.endpoint, credentials: local.credentials });
    let role: string;
    const zip = Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64'); // an empty zip archive

    beforeAll(async () => {
      const iam = new IAMClient({ region: REGION, endpoint: local.endpoint, credentials: local.credentials });
      const assume = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
      role = (await iam.send(new CreateRoleCommand({ RoleName: 'local-aws-fn', AssumeRolePolicyDocument: JSON.stringify(assume) }))).Role!.Arn!;
    });

    test('stored, not run: nodejs24.x on arm64 with its environment; the LoggingConfig sent is read back by every read', async () => {
      const logging = { LogFormat: 'JSON' as const, LogGroup: '/custom/contact', ApplicationLogLevel: 'INFO' as const, SystemLogLevel: 'WARN' as const };
      const created = await lambda().send(
        new CreateLambdaFunctionCommand({
          FunctionName: 'local-aws-fn',
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          Role: role,
          Code: { ZipFile: zip },
          Environment: { Variables: { TABLE_NAME: 'submissions' } },
          LoggingConfig: logging,
        }),
      );
      expect(created.LoggingConfig).toEqual(logging);
      const configuration = await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: 'local-aws-fn' }));
      expect(configuration).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Role: role,
        Environment: { Variables: { TABLE_NAME: 'submissions' } },
        LoggingConfig: logging,
      });
      expect((await lambda().send(new GetLambdaFunctionCommand({ FunctionName: created.FunctionArn }))).Configuration?.LoggingConfig).toEqual(logging);

      const updated = await lambda().send(
        new UpdateFunctionConfigurationCommand({ FunctionName: 'local-aws-fn', LoggingConfig: { LogFormat: 'Text', LogGroup: '/custom/other' } }),
      );
      expect(updated.LoggingConfig).toEqual({ LogFormat: 'Text', LogGroup: '/custom/other' });
      const listed = await lambda().send(new ListLambdaFunctionsCommand({}));
      expect(listed.Functions?.find((f) => f.FunctionName === 'local-aws-fn')?.LoggingConfig).toEqual({ LogFormat: 'Text', LogGroup: '/custom/other' });
    });

    test("a function given no LoggingConfig reads back AWS's default", async () => {
      await lambda().send(
        new CreateLambdaFunctionCommand({
          FunctionName: 'local-aws-plain',
          Runtime: 'nodejs22.x',
          Handler: 'index.handler',
          Role: role,
          Code: { ZipFile: zip },
        }),
      );
      expect((await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: 'local-aws-plain' }))).LoggingConfig).toEqual({
        LogFormat: 'Text',
        LogGroup: '/aws/lambda/local-aws-plain',
      });
    });
  });
});

describe('the override file', () => {
  const cdkTfJson = {
    provider: {
      aws: [
        { region: 'eu-west-1', default_tags: [{ tags: { Project: 'x' } }] },
        { alias: 'site-us-east-1', region: 'us-east-1' },
      ],
    },
    resource: {},
  };

  test('one block per aws provider of cdk.tf.json, the alias kept, every service at the endpoint, test credentials', () => {
    const override = providerOverride(cdkTfJson, 'http://127.0.0.1:4566') as { provider: { aws: Array<Record<string, unknown>> } };
    expect(override.provider.aws.map((b) => b.alias)).toEqual([undefined, 'site-us-east-1']);
    for (const block of override.provider.aws) {
      expect(block).toMatchObject({
        access_key: 'test',
        secret_key: 'test',
        skip_credentials_validation: true,
        skip_requesting_account_id: false,
        s3_use_path_style: true,
        // The one non-loopback host (S3 Control's account-id prefix) goes through the local server, never to AWS.
        http_proxy: 'http://127.0.0.1:4566',
        https_proxy: 'http://127.0.0.1:4566',
      });
      expect(block).not.toHaveProperty('region');
      expect(block).not.toHaveProperty('default_tags');
      const [endpoints] = block.endpoints as Array<Record<string, string>>;
      for (const service of [
        'acm',
        'apigateway',
        'cloudfront',
        'cloudwatch',
        'logs',
        'dynamodb',
        'iam',
        'lambda',
        'route53',
        's3',
        's3control',
        'sts',
        'wafv2',
      ]) {
        expect(endpoints![service]).toBe('http://127.0.0.1:4566');
      }
    }
  });

  test("the state of a local try goes to a file of its own in the stack folder, never to the stack's backend", () => {
    const remote = { ...cdkTfJson, terraform: { backend: { s3: { bucket: 'real-state', key: 'contact-site/terraform.tfstate', use_lockfile: true } } } };
    const local = { ...cdkTfJson, terraform: { backend: { local: { path: '../../../terraform.contact-site.tfstate' } } } };
    for (const stack of [remote, local, cdkTfJson]) {
      expect(providerOverride(stack, 'http://127.0.0.1:1')).toMatchObject({ terraform: { backend: { local: { path: LOCAL_STATE_FILE } } } });
    }
  });

  test('a single provider object is read too; a configuration with no aws provider is refused', () => {
    const single = providerOverride({ provider: { aws: { region: 'us-east-1' } } }, 'http://127.0.0.1:1') as { provider: { aws: unknown[] } };
    expect(single.provider.aws).toHaveLength(1);
    expect(() => providerOverride({ provider: { google: [{}] } }, 'http://127.0.0.1:1')).toThrow(LocalAwsError);
  });

  test('startLocalAws refuses a folder without cdk.tf.json and a taken port, with a clear message', async () => {
    await expect(startLocalAws({ stackDir: tempDir('local-aws-empty-') })).rejects.toThrow(/no cdk\.tf\.json in .*npm run synth/);
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dir = tempDir('local-aws-busy-');
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(cdkTfJson));
    try {
      await expect(startLocalAws({ stackDir: dir, port })).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
      expect(existsSync(join(dir, OVERRIDE_FILE))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  test('an override file it did not write is not replaced, and the server it started is stopped', async () => {
    const dir = tempDir('local-aws-foreign-');
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(cdkTfJson));
    writeFileSync(join(dir, OVERRIDE_FILE), '{"provider": {}}\n');
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    blocker.close();
    await expect(startLocalAws({ stackDir: dir, port })).rejects.toThrow(/was not written by npm run local-aws/);
    expect(readFileSync(join(dir, OVERRIDE_FILE), 'utf8')).toBe('{"provider": {}}\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await portOpen(port)).toBe(false);
  });
});

describe('npm run local-aws', () => {
  test('first line AWS_ENDPOINT_URL; the override points both providers at it; Ctrl-C removes it and closes the port', async () => {
    const dir = tempDir('local-aws-cli-');
    const cdkTfJson = `${JSON.stringify({ provider: { aws: [{ region: 'us-east-1' }, { alias: 'site-us-east-1', region: 'us-east-1' }] } }, null, 2)}\n`;
    writeFileSync(join(dir, 'cdk.tf.json'), cdkTfJson);
    // detached: its own process group, which gets the SIGINT the way a terminal's Ctrl-C sends it.
    const child = spawn('npm', ['run', '-s', 'local-aws', '--', '--stack-dir', dir], { cwd: PROJECT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no output in 60 s; stderr:\n${stderr}`)), 60_000);
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('\n')) {
            clearTimeout(timer);
            resolve(stdout.split('\n')[0]!);
          }
        });
        void exited.then((code) => reject(new Error(`exited ${code} before printing; stderr:\n${stderr}`)));
      });
      const match = /^AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:(\d+)$/.exec(firstLine);
      expect(match).not.toBeNull();
      const endpoint = firstLine.slice('AWS_ENDPOINT_URL='.length);
      const port = Number(match![1]);

      const override = JSON.parse(readFileSync(join(dir, OVERRIDE_FILE), 'utf8')) as { provider: { aws: Array<Record<string, unknown>> } };
      expect(override.provider.aws.map((b) => b.alias)).toEqual([undefined, 'site-us-east-1']);
      for (const block of override.provider.aws) {
        expect((block.endpoints as Array<Record<string, string>>)[0]).toMatchObject({ cloudfront: endpoint, s3: endpoint, sts: endpoint, acm: endpoint });
      }
      expect(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')).toBe(cdkTfJson);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stdout).toContain(`# override: ${join(dir, OVERRIDE_FILE)}`);
      expect(stdout).toContain(`# state: ${join(dir, LOCAL_STATE_FILE)}`);
      // It answers: moto behind the endpoint it printed.
      const s3 = new S3Client({ region: REGION, endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, forcePathStyle: true });
      expect((await s3.send(new ListBucketsCommand({}))).Buckets).toEqual([]);

      process.kill(-child.pid!, 'SIGINT');
      await exited; // npm itself dies of the SIGINT; the script below it removes the override first
      expect(existsSync(join(dir, OVERRIDE_FILE))).toBe(false);
      expect(await portOpen(port)).toBe(false);
      expect(stderr).toContain('SIGINT: removing');
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  });
});
