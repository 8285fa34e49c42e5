import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { runInNewContext } from 'node:vm';
import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { CloudfrontResponseHeadersPolicy } from '@cdktf/provider-aws/lib/cloudfront-response-headers-policy';
import { StaticSite, StaticSiteProps } from '../constructs';
import { ContactSiteStack } from '../main';
import { addressOf, makeSiteDir, MINIMAL_SITE, onlyResource, resourcesOf, synthStack, Synthesized, type TerraformDocument } from './support/synth';

const DOMAIN = { domainName: 'www.example.com', hostedZoneName: 'example.com', redirectDomainNames: ['example.com'] };

function synthSite(props: Partial<StaticSiteProps> = {}, files: Record<string, string> = MINIMAL_SITE): Synthesized {
  const siteDir = makeSiteDir(files);
  return synthStack((stack) => new StaticSite(stack, 'site', { siteDir, ...props }));
}

/** Evaluates the viewer-request CloudFront Function's code on an event, as CloudFront would. */
function runViewerRequest(code: string, host: string, uri: string, querystring: Record<string, any> = {}): any {
  const event = { request: { uri, headers: { host: { value: host } }, querystring } };
  return runInNewContext(`${code}\nhandler(event);`, { event });
}

describe('StaticSite bucket', () => {
  const { json, doc } = synthSite();
  const bucket = `${addressOf(doc, 'aws_s3_bucket')}`;

  it('is private: all four public access block flags on the site bucket', () => {
    expect(json).toHaveResourceWithProperties(S3Bucket, { force_destroy: false });
    expect(onlyResource(doc, 'aws_s3_bucket_public_access_block')).toMatchObject({
      bucket: `\${${bucket}.id}`,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it('enforces bucket-owner object ownership (ACLs disabled)', () => {
    expect(onlyResource(doc, 'aws_s3_bucket_ownership_controls')).toMatchObject({
      bucket: `\${${bucket}.id}`,
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
  });

  it('encrypts objects at rest', () => {
    expect(onlyResource(doc, 'aws_s3_bucket_server_side_encryption_configuration')).toMatchObject({
      bucket: `\${${bucket}.id}`,
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
  });

  it('names the bucket from the stack and construct, leaving the suffix to Terraform', () => {
    expect(onlyResource(doc, 'aws_s3_bucket').bucket_prefix).toBe('test-site-site-');
    expect(synthSite(DOMAIN).doc.resource.aws_s3_bucket).toBeDefined();
    expect(onlyResource(synthSite(DOMAIN).doc, 'aws_s3_bucket').bucket_prefix).toBe('www-example-com-site-');
  });
});

describe('StaticSite bucket policy', () => {
  const { json, doc } = synthSite();
  const bucket = addressOf(doc, 'aws_s3_bucket');
  const distribution = addressOf(doc, 'aws_cloudfront_distribution');
  const policyDoc = Object.values(doc.data!.aws_iam_policy_document)[0];
  const statements: any[] = policyDoc.statement;
  const bySid = (sid: string) => statements.find((s) => s.sid === sid);

  it('lets only this distribution read objects, through the CloudFront service principal', () => {
    expect(bySid('AllowCloudFrontReadViaOAC')).toEqual({
      sid: 'AllowCloudFrontReadViaOAC',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['cloudfront.amazonaws.com'] }],
      actions: ['s3:GetObject'],
      resources: [`\${${bucket}.arn}/*`],
      condition: [{ test: 'StringEquals', variable: 'AWS:SourceArn', values: [`\${${distribution}.arn}`] }],
    });
  });

  it('lets this distribution list the bucket so a missing page is a 404, not a 403', () => {
    expect(bySid('AllowCloudFrontListViaOAC')).toMatchObject({
      effect: 'Allow',
      actions: ['s3:ListBucket'],
      resources: [`\${${bucket}.arn}`],
      condition: [{ test: 'StringEquals', variable: 'AWS:SourceArn', values: [`\${${distribution}.arn}`] }],
    });
  });

  it('denies every request that does not use TLS', () => {
    expect(bySid('DenyInsecureTransport')).toMatchObject({
      effect: 'Deny',
      actions: ['s3:*'],
      resources: [`\${${bucket}.arn}`, `\${${bucket}.arn}/*`],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
  });

  it('allows nothing to a wildcard principal and has no other statements', () => {
    expect(statements).toHaveLength(3);
    for (const statement of statements.filter((s) => s.effect === 'Allow')) {
      expect(JSON.stringify(statement.principals)).not.toContain('"*"');
    }
  });

  it('is attached to the bucket after the public access block', () => {
    const policyDocAddress = addressOf(doc, 'aws_iam_policy_document', 'data');
    expect(json).toHaveResourceWithProperties(S3BucketPolicy, {
      bucket: `\${${bucket}.id}`,
      policy: `\${${policyDocAddress}.json}`,
      depends_on: [addressOf(doc, 'aws_s3_bucket_public_access_block')],
    });
  });
});

describe('StaticSite CloudFront distribution', () => {
  const { json, doc } = synthSite();
  const distribution = onlyResource(doc, 'aws_cloudfront_distribution');

  it('has an origin access control for S3 that always signs with SigV4', () => {
    expect(onlyResource(doc, 'aws_cloudfront_origin_access_control')).toMatchObject({
      origin_access_control_origin_type: 's3',
      signing_behavior: 'always',
      signing_protocol: 'sigv4',
    });
    expect(distribution.origin).toEqual([
      {
        origin_id: 'site-bucket',
        domain_name: `\${${addressOf(doc, 'aws_s3_bucket')}.bucket_regional_domain_name}`,
        origin_access_control_id: `\${${addressOf(doc, 'aws_cloudfront_origin_access_control')}.id}`,
      },
    ]);
  });

  it('serves index.html over HTTPS only, compressed, on IPv6 and HTTP/2 and HTTP/3', () => {
    expect(json).toHaveResourceWithProperties(CloudfrontDistribution, {
      enabled: true,
      default_root_object: 'index.html',
      is_ipv6_enabled: true,
      http_version: 'http2and3',
      price_class: 'PriceClass_100',
    });
    expect(distribution.default_cache_behavior).toMatchObject({
      target_origin_id: 'site-bucket',
      viewer_protocol_policy: 'redirect-to-https',
      compress: true,
      allowed_methods: ['GET', 'HEAD'],
      cached_methods: ['GET', 'HEAD'],
    });
  });

  it('uses the AWS-managed CachingOptimized policy, looked up by name rather than a pasted id', () => {
    const cachePolicy = addressOf(doc, 'aws_cloudfront_cache_policy', 'data');
    expect(Object.values(doc.data!.aws_cloudfront_cache_policy)[0].name).toBe('Managed-CachingOptimized');
    expect(distribution.default_cache_behavior.cache_policy_id).toBe(`\${${cachePolicy}.id}`);
    expect(json).not.toContain('658327ea-f89d-4fab-a63d-7e88639e58f6');
  });

  it('answers a missing path with the 404 page and status 404', () => {
    expect(distribution.custom_error_response).toEqual([{ error_code: 404, response_code: 404, response_page_path: '/404.html', error_caching_min_ttl: 60 }]);
  });

  it('uses the CloudFront certificate and name when no domain is given', () => {
    expect(distribution.viewer_certificate).toEqual({ cloudfront_default_certificate: true });
    expect(distribution.aliases).toBeUndefined();
    expect(doc.resource.aws_acm_certificate).toBeUndefined();
    expect(doc.resource.aws_route53_record).toBeUndefined();
  });

  it('takes the price class and error page from props', () => {
    const custom = synthSite({ priceClass: 'PriceClass_All', errorPagePath: '/errors/missing.html' }, { ...MINIMAL_SITE, 'errors/missing.html': 'gone' });
    const dist = onlyResource(custom.doc, 'aws_cloudfront_distribution');
    expect(dist.price_class).toBe('PriceClass_All');
    expect(dist.custom_error_response[0].response_page_path).toBe('/errors/missing.html');
  });

  it('writes access logs only when asked', () => {
    expect(distribution.logging_config).toBeUndefined();
    const logged = synthSite({ accessLogging: { bucketDomainName: 'logs.s3.amazonaws.com' } });
    expect(onlyResource(logged.doc, 'aws_cloudfront_distribution').logging_config).toEqual({
      bucket: 'logs.s3.amazonaws.com',
      prefix: 'cloudfront/',
      include_cookies: false,
    });
  });

  it('gives account-wide objects names unique to the stack and construct, and stable', () => {
    const names = [
      onlyResource(doc, 'aws_cloudfront_origin_access_control').name,
      onlyResource(doc, 'aws_cloudfront_function').name,
      onlyResource(doc, 'aws_cloudfront_response_headers_policy').name,
    ];
    expect(new Set(names).size).toBe(3);
    for (const name of names) {
      // The stack is in eu-west-1: CloudFront names are global, so they carry the region (see names.test.ts).
      expect(name).toMatch(/^test-site-[a-z-]+-eu-west-1-[0-9a-f]{8}$/);
      expect(name.length).toBeLessThanOrEqual(64);
    }
    expect(onlyResource(synthSite().doc, 'aws_cloudfront_function').name).toBe(names[1]);
  });
});

describe('StaticSite security headers', () => {
  const { json, doc } = synthSite({ apiOrigins: ['https://abc123.execute-api.eu-west-1.amazonaws.com'] });
  const headers = onlyResource(doc, 'aws_cloudfront_response_headers_policy');

  it('sends HSTS (without includeSubDomains by default), nosniff, DENY framing and a strict referrer policy', () => {
    expect(json).toHaveResourceWithProperties(CloudfrontResponseHeadersPolicy, {
      security_headers_config: expect.objectContaining({
        strict_transport_security: {
          access_control_max_age_sec: 63072000,
          include_subdomains: false,
          preload: false,
          override: true,
        },
        content_type_options: { override: true },
        frame_options: { frame_option: 'DENY', override: true },
        referrer_policy: { referrer_policy: 'strict-origin-when-cross-origin', override: true },
      }),
    });
    expect(headers.custom_headers_config.items[0]).toMatchObject({ header: 'Permissions-Policy', override: true });
  });

  it('has a CSP that allows only the site itself, plus the contact API for fetch and form posts', () => {
    const csp: string = headers.security_headers_config.content_security_policy.content_security_policy;
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'", 'https://abc123.execute-api.eu-west-1.amazonaws.com']);
    expect(directives['form-action']).toEqual(["'self'", 'https://abc123.execute-api.eu-west-1.amazonaws.com']);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
  });

  it('is attached to the default cache behaviour', () => {
    expect(onlyResource(doc, 'aws_cloudfront_distribution').default_cache_behavior.response_headers_policy_id).toBe(
      `\${${addressOf(doc, 'aws_cloudfront_response_headers_policy')}.id}`,
    );
  });

  it('takes a whole CSP from props', () => {
    const custom = synthSite({ contentSecurityPolicy: "default-src 'self' https://cdn.example.net" });
    expect(onlyResource(custom.doc, 'aws_cloudfront_response_headers_policy').security_headers_config.content_security_policy.content_security_policy).toBe(
      "default-src 'self' https://cdn.example.net",
    );
  });

  it('adds includeSubDomains only when asked to', () => {
    const optedIn = onlyResource(synthSite({ hstsIncludeSubdomains: true }).doc, 'aws_cloudfront_response_headers_policy');
    expect(optedIn.security_headers_config.strict_transport_security.include_subdomains).toBe(true);
  });

  it('can be turned off', () => {
    const off = synthSite({ securityHeaders: false });
    expect(off.doc.resource.aws_cloudfront_response_headers_policy).toBeUndefined();
    expect(onlyResource(off.doc, 'aws_cloudfront_distribution').default_cache_behavior.response_headers_policy_id).toBeUndefined();
  });
});

describe('StaticSite HSTS on the redirect names', () => {
  // CloudFront's documentation promises the response headers policy on responses from the cache and the origin;
  // the redirect names' 301s come from the viewer-request function, so they carry the header themselves.
  const redirect = (props: Partial<StaticSiteProps>): any =>
    runViewerRequest(onlyResource(synthSite({ ...DOMAIN, ...props }).doc, 'aws_cloudfront_function').code, 'example.com', '/');

  it('sends the same HSTS header as the canonical name, without includeSubDomains by default', () => {
    // Otherwise the apex example.com would tell browsers that every subdomain of example.com is HTTPS-only.
    const response = redirect({});
    expect(response.statusCode).toBe(301);
    expect(response.headers['strict-transport-security']).toEqual({ value: 'max-age=63072000' });
  });

  it('adds includeSubDomains there too when asked to, and sends none without security headers', () => {
    expect(redirect({ hstsIncludeSubdomains: true }).headers['strict-transport-security']).toEqual({ value: 'max-age=63072000; includeSubDomains' });
    expect(redirect({ securityHeaders: false }).headers['strict-transport-security']).toBeUndefined();
    expect(redirect({ securityHeaders: false }).headers.location).toEqual({ value: 'https://www.example.com/' });
  });
});

describe('StaticSite viewer-request function', () => {
  it('maps directory paths to their index.html and leaves files alone', () => {
    const code = onlyResource(synthSite().doc, 'aws_cloudfront_function').code;
    expect(runViewerRequest(code, 'd111.cloudfront.net', '/').uri).toBe('/index.html');
    expect(runViewerRequest(code, 'd111.cloudfront.net', '/blog/').uri).toBe('/blog/index.html');
    expect(runViewerRequest(code, 'd111.cloudfront.net', '/blog').uri).toBe('/blog/index.html');
    expect(runViewerRequest(code, 'd111.cloudfront.net', '/contact.html').uri).toBe('/contact.html');
    expect(runViewerRequest(code, 'd111.cloudfront.net', '/v1.2/notes').uri).toBe('/v1.2/notes/index.html');
  });

  it('is a published cloudfront-js-2.0 function on viewer requests', () => {
    const { doc } = synthSite();
    expect(onlyResource(doc, 'aws_cloudfront_function')).toMatchObject({ runtime: 'cloudfront-js-2.0', publish: true });
    expect(onlyResource(doc, 'aws_cloudfront_distribution').default_cache_behavior.function_association).toEqual([
      { event_type: 'viewer-request', function_arn: `\${${addressOf(doc, 'aws_cloudfront_function')}.arn}` },
    ]);
  });

  it('redirects the extra names to the canonical one, keeping path and query', () => {
    const code = onlyResource(synthSite(DOMAIN).doc, 'aws_cloudfront_function').code;
    const redirect = runViewerRequest(code, 'example.com', '/contact.html', {
      utm_source: { value: 'mail' },
      tag: { value: 'a', multiValue: [{ value: 'a' }, { value: 'b' }] },
    });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location.value).toBe('https://www.example.com/contact.html?utm_source=mail&tag=a&tag=b');
    expect(runViewerRequest(code, 'EXAMPLE.COM', '/').statusCode).toBe(301);
    expect(runViewerRequest(code, 'www.example.com', '/').uri).toBe('/index.html');
  });
});

describe('StaticSite with a custom domain', () => {
  const { doc } = synthSite(DOMAIN);
  const certificate = onlyResource(doc, 'aws_acm_certificate');
  const certificateAddress = addressOf(doc, 'aws_acm_certificate');
  const zone = `\${${addressOf(doc, 'aws_route53_zone', 'data')}.zone_id}`;
  const records = resourcesOf(doc, 'aws_route53_record');

  it('requests a DNS-validated certificate for every name through a us-east-1 provider', () => {
    const aliased = doc.provider!.aws.find((p) => p.alias);
    expect(aliased).toEqual({ alias: 'site-us-east-1', region: 'us-east-1' });
    expect(doc.provider!.aws.find((p) => !p.alias)!.region).toBe('eu-west-1');
    expect(certificate).toMatchObject({
      provider: 'aws.site-us-east-1',
      domain_name: 'www.example.com',
      subject_alternative_names: ['example.com'],
      validation_method: 'DNS',
      lifecycle: { create_before_destroy: true },
    });
  });

  it("tags the certificate: the us-east-1 provider gets the stack provider's default_tags", () => {
    const siteDir = makeSiteDir(MINIMAL_SITE);
    const tags = { Project: 'contact-site', ManagedBy: 'cdktf' };
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1', defaultTags: [{ tags }] });
    new StaticSite(stack, 'site', { siteDir, ...DOMAIN });
    const providers = (JSON.parse(Testing.synth(stack)) as Synthesized['doc']).provider!.aws;
    expect(providers.find((p) => p.alias === 'site-us-east-1')).toEqual({ alias: 'site-us-east-1', region: 'us-east-1', default_tags: [{ tags }] });
    expect(providers.find((p) => !p.alias)!.default_tags).toEqual([{ tags }]);
  });

  it('looks the hosted zone up by name', () => {
    expect(Object.values(doc.data!.aws_route53_zone)[0]).toMatchObject({ name: 'example.com', private_zone: false });
  });

  it('writes one validation record per name on the certificate, in the hosted zone', () => {
    const validation = Object.values(records).filter((r) => r.for_each);
    expect(validation).toHaveLength(1);
    // The set itself, as the provider's docs iterate it. Not tolist(): tolist() of a set whose members are partly
    // unknown is wholly unknown at plan time, so `terraform plan` fails "Invalid for_each argument" for 2+ names.
    expect(validation[0].for_each).not.toContain('tolist(');
    expect(validation[0]).toMatchObject({
      for_each: `\${{ for dvo in ${certificateAddress}.domain_validation_options : dvo.domain_name => dvo }}`,
      zone_id: zone,
      name: '${each.value.resource_record_name}',
      type: '${each.value.resource_record_type}',
      records: ['${each.value.resource_record_value}'],
      allow_overwrite: true,
    });
  });

  it('waits for validation and gives the distribution the validated certificate, SNI and TLS 1.2', () => {
    const validation = onlyResource(doc, 'aws_acm_certificate_validation');
    const recordsName = Object.keys(records).find((name) => records[name].for_each);
    expect(validation).toEqual(
      expect.objectContaining({
        provider: 'aws.site-us-east-1',
        certificate_arn: `\${${certificateAddress}.arn}`,
        validation_record_fqdns: `\${[ for key, val in aws_route53_record.${recordsName}: val.fqdn]}`,
      }),
    );
    expect(onlyResource(doc, 'aws_cloudfront_distribution')).toMatchObject({
      aliases: ['www.example.com', 'example.com'],
      viewer_certificate: {
        acm_certificate_arn: `\${${addressOf(doc, 'aws_acm_certificate_validation')}.certificate_arn}`,
        ssl_support_method: 'sni-only',
        minimum_protocol_version: 'TLSv1.2_2021',
      },
    });
  });

  it('points A and AAAA alias records for every name at the distribution', () => {
    const distribution = addressOf(doc, 'aws_cloudfront_distribution');
    const aliases = Object.values(records).filter((r) => r.alias);
    expect(aliases.map((r) => `${r.type} ${r.name}`).sort()).toEqual(['A example.com', 'A www.example.com', 'AAAA example.com', 'AAAA www.example.com']);
    for (const record of aliases) {
      expect(record.zone_id).toBe(zone);
      expect(record.alias).toEqual({
        name: `\${${distribution}.domain_name}`,
        zone_id: `\${${distribution}.hosted_zone_id}`,
        evaluate_target_health: false,
      });
    }
  });

  it('needs no second bucket or distribution for the apex redirect', () => {
    expect(Object.keys(resourcesOf(doc, 'aws_s3_bucket'))).toHaveLength(1);
    expect(Object.keys(resourcesOf(doc, 'aws_cloudfront_distribution'))).toHaveLength(1);
  });

  it('uses a hosted zone id as given, without a lookup', () => {
    const byId = synthSite({ domainName: 'www.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' });
    expect(byId.doc.data!.aws_route53_zone).toBeUndefined();
    for (const record of Object.values(resourcesOf(byId.doc, 'aws_route53_record'))) {
      expect(record.zone_id).toBe('Z0123456789ABCDEFGHIJ');
    }
    expect(onlyResource(byId.doc, 'aws_acm_certificate').subject_alternative_names).toBeUndefined();
  });

  it('uses a certificate provider that is passed in instead of making one', () => {
    const siteDir = makeSiteDir(MINIMAL_SITE);
    const { doc: withProvider } = synthStack((stack: TerraformStack) => {
      const certificateProvider = new AwsProvider(stack, 'global', { alias: 'global', region: 'us-east-1' });
      new StaticSite(stack, 'site', { siteDir, domainName: 'www.example.com', hostedZoneId: 'Z123', certificateProvider });
    });
    expect(withProvider.provider!.aws).toHaveLength(2);
    expect(onlyResource(withProvider, 'aws_acm_certificate').provider).toBe('aws.global');
  });

  it('uses an existing us-east-1 certificate when one is passed in', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-1111-2222-3333-444455556666';
    const existing = synthSite({ domainName: 'www.example.com', hostedZoneId: 'Z123', certificateArn: arn });
    expect(existing.doc.resource.aws_acm_certificate).toBeUndefined();
    expect(onlyResource(existing.doc, 'aws_cloudfront_distribution').viewer_certificate.acm_certificate_arn).toBe(arn);
    expect(Object.values(resourcesOf(existing.doc, 'aws_route53_record'))).toHaveLength(2);
  });
});

describe('StaticSite uploads', () => {
  const files = {
    ...MINIMAL_SITE,
    'styles.css': 'body{}',
    'assets/app.3f9a2b1c.js': 'console.log(1)',
    'assets/logo.svg': '<svg/>',
    'docs/guide.pdf': '%PDF',
    'data/blob.unknownext': 'x',
    '.DS_Store': 'junk',
    'drafts/.env': 'SECRET=1',
    '.well-known/security.txt': 'Contact: mailto:security@example.com',
  };
  const { doc } = synthSite({}, files);
  const objects = Object.values(resourcesOf(doc, 'aws_s3_object'));
  const byKey = Object.fromEntries(objects.map((o) => [o.key, o]));

  it('uploads every publishable file and skips hidden ones', () => {
    expect(Object.keys(byKey).sort()).toEqual([
      '.well-known/security.txt',
      '404.html',
      'assets/app.3f9a2b1c.js',
      'assets/logo.svg',
      'data/blob.unknownext',
      'docs/guide.pdf',
      'index.html',
      'styles.css',
    ]);
  });

  it('puts only those files into the synthesized output: a hidden file (.env) never reaches cdktf.out', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new StaticSite(stack, 'site', { siteDir: makeSiteDir(files) });
    const stackDir = join(Testing.fullSynth(stack), 'stacks', 'test');
    const synthesized = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as TerraformDocument;
    const assetFiles = (readdirSync(join(stackDir, 'assets'), { recursive: true, withFileTypes: true }) as Dirent[])
      .filter((entry) => entry.isFile())
      .map((entry) => relative(join(stackDir, 'assets'), join(entry.parentPath, entry.name)).split(sep).join('/'))
      .sort();
    expect(assetFiles).toEqual(
      Object.keys(byKey)
        .map((key) => `site_site-files_6AD5738E/files/${key}`)
        .sort(),
    );
    for (const object of Object.values(resourcesOf(synthesized, 'aws_s3_object'))) {
      expect(readFileSync(join(stackDir, object.source as string), 'utf8')).toBe(files[object.key as keyof typeof files]);
    }
  });

  it('sets the content type by extension', () => {
    expect(byKey['index.html'].content_type).toBe('text/html; charset=utf-8');
    expect(byKey['styles.css'].content_type).toBe('text/css; charset=utf-8');
    expect(byKey['assets/app.3f9a2b1c.js'].content_type).toBe('text/javascript; charset=utf-8');
    expect(byKey['assets/logo.svg'].content_type).toBe('image/svg+xml');
    expect(byKey['docs/guide.pdf'].content_type).toBe('application/pdf');
    expect(byKey['data/blob.unknownext'].content_type).toBe('application/octet-stream');
  });

  it('revalidates HTML and unfingerprinted CSS/JS, caches fingerprinted files for a year, others for an hour', () => {
    expect(byKey['index.html'].cache_control).toBe('no-cache');
    expect(byKey['styles.css'].cache_control).toBe('no-cache');
    expect(byKey['assets/app.3f9a2b1c.js'].cache_control).toBe('public, max-age=31536000, immutable');
    expect(byKey['assets/logo.svg'].cache_control).toBe('public, max-age=3600');
    expect(byKey['docs/guide.pdf'].cache_control).toBe('public, max-age=3600');
  });

  it('reads each file from the stack-relative asset folder and keys updates on its MD5', () => {
    const bucket = addressOf(doc, 'aws_s3_bucket');
    for (const object of objects) {
      expect(object.bucket).toBe(`\${${bucket}.id}`);
      expect(isAbsolute(object.source)).toBe(false);
      expect(object.source).toMatch(new RegExp(`^assets/[^/]+/files/${object.key.replace(/\./g, '\\.')}$`));
      const content = (files as Record<string, string>)[object.key];
      expect(object.source_hash).toBe(createHash('md5').update(content).digest('hex'));
    }
  });

  it('changes the changed file only: every other object is synthesized exactly as before (so Terraform plans one update)', () => {
    const changed = synthSite({}, { ...files, 'styles.css': 'body{color:red}' });
    const changedByKey = Object.fromEntries(Object.values(resourcesOf(changed.doc, 'aws_s3_object')).map((o) => [o.key, o]));
    expect(changedByKey['styles.css'].source_hash).not.toBe(byKey['styles.css'].source_hash);
    expect(changedByKey['styles.css'].source).toBe(byKey['styles.css'].source);
    for (const key of Object.keys(byKey).filter((k) => k !== 'styles.css')) expect(changedByKey[key]).toEqual(byKey[key]);
  });

  it('writes generated files such as config.json, never cached', () => {
    const generated = synthSite({ generatedFiles: [{ key: 'config.json', content: '{"apiUrl":"https://api.example.com"}' }] });
    const config = Object.values(resourcesOf(generated.doc, 'aws_s3_object')).find((o) => o.key === 'config.json');
    expect(config).toMatchObject({
      content: '{"apiUrl":"https://api.example.com"}',
      content_type: 'application/json; charset=utf-8',
      cache_control: 'no-cache',
    });
    expect(config!.source).toBeUndefined();
  });
});

describe('StaticSite outputs', () => {
  it('outputs the site URL, distribution id and bucket name', () => {
    const { doc } = synthSite();
    const distribution = addressOf(doc, 'aws_cloudfront_distribution');
    const values = Object.values(doc.output!).map((o) => o.value);
    expect(values).toEqual(
      expect.arrayContaining([`https://\${${distribution}.domain_name}`, `\${${distribution}.id}`, `\${${addressOf(doc, 'aws_s3_bucket')}.bucket}`]),
    );
  });

  it('uses the custom domain in the URL and exposes every origin for CORS', () => {
    const siteDir = makeSiteDir(MINIMAL_SITE);
    let site: StaticSite | undefined;
    const { doc } = synthStack((stack) => {
      site = new StaticSite(stack, 'site', { siteDir, ...DOMAIN });
    });
    expect(Object.values(doc.output!).map((o) => o.value)).toContain('https://www.example.com');
    expect(site!.origins).toEqual(['https://www.example.com', 'https://example.com']);
  });
});

describe('StaticSite rejects props that cannot work', () => {
  const cases: [string, Partial<StaticSiteProps>, Record<string, string> | undefined, RegExp][] = [
    ['a site folder that does not exist', { siteDir: '/nonexistent/site' }, undefined, /siteDir "\/nonexistent\/site" is not a folder/],
    ['a site folder without index.html', {}, { '404.html': 'x' }, /siteDir .* has no index\.html/],
    ['an error page that is not in the folder', { errorPagePath: '/missing.html' }, undefined, /errorPagePath "\/missing\.html" is not a file of siteDir/],
    ['an error page without a leading slash', { errorPagePath: '404.html' }, undefined, /errorPagePath "404\.html" must be a path that starts with "\/"/],
    ['a domain without a hosted zone', { domainName: 'www.example.com' }, undefined, /hostedZoneId or hostedZoneName is required with domainName/],
    ['an invalid domain name', { domainName: 'www.exa mple.com', hostedZoneId: 'Z1' }, undefined, /domainName "www\.exa mple\.com" is not a valid domain name/],
    ['an upper-case or dotted domain name', { domainName: 'WWW.example.com.', hostedZoneId: 'Z1' }, undefined, /domainName .* is not a valid domain name/],
    [
      'a domain outside the hosted zone',
      { domainName: 'www.example.org', hostedZoneName: 'example.com' },
      undefined,
      /domainName "www\.example\.org" is not in hosted zone "example\.com"/,
    ],
    [
      'a redirect name outside the hosted zone',
      { ...DOMAIN, redirectDomainNames: ['example.org'] },
      undefined,
      /redirectDomainNames "example\.org" is not in hosted zone/,
    ],
    ['both zone id and zone name', { ...DOMAIN, hostedZoneId: 'Z1' }, undefined, /hostedZoneId and hostedZoneName are exclusive/],
    [
      'a malformed zone id',
      { domainName: 'www.example.com', hostedZoneId: 'example.com' },
      undefined,
      /hostedZoneId "example\.com" is not a Route 53 hosted zone id/,
    ],
    [
      'a certificate outside us-east-1',
      { domainName: 'www.example.com', hostedZoneId: 'Z1', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123' },
      undefined,
      /certificateArn is in eu-west-1; CloudFront only uses certificates from us-east-1/,
    ],
    [
      'a certificate ARN that is not an ACM ARN',
      { domainName: 'www.example.com', hostedZoneId: 'Z1', certificateArn: 'arn:aws:iam::123456789012:server-certificate/x' },
      undefined,
      /certificateArn .* is not an ACM certificate ARN/,
    ],
    ['redirect names without a domain', { redirectDomainNames: ['example.com'] }, undefined, /redirectDomainNames needs domainName/],
    ['a hosted zone without a domain', { hostedZoneName: 'example.com' }, undefined, /hostedZoneName needs domainName/],
    ['a duplicated name', { ...DOMAIN, redirectDomainNames: ['www.example.com'] }, undefined, /redirectDomainNames lists "www\.example\.com" twice/],
    ['an unknown price class', { priceClass: 'PriceClass_Cheap' as never }, undefined, /priceClass "PriceClass_Cheap" is not one of/],
    ['an empty CSP', { contentSecurityPolicy: ' ' }, undefined, /contentSecurityPolicy must be a non-empty, single-line policy/],
    [
      'includeSubDomains without security headers',
      { securityHeaders: false, hstsIncludeSubdomains: true },
      undefined,
      /StaticSite: hstsIncludeSubdomains needs securityHeaders/,
    ],
    ['a non-boolean hstsIncludeSubdomains', { hstsIncludeSubdomains: 'yes' as never }, undefined, /StaticSite: hstsIncludeSubdomains must be a boolean/],
  ];

  it.each(cases)('%s', (_name, props, files, message) => {
    expect(() => synthSite(props, files ?? MINIMAL_SITE)).toThrow(message);
  });

  it('a certificate provider outside us-east-1', () => {
    const siteDir = makeSiteDir(MINIMAL_SITE);
    expect(() =>
      synthStack((stack) => {
        const certificateProvider = new AwsProvider(stack, 'eu', { alias: 'eu', region: 'eu-west-1' });
        new StaticSite(stack, 'site', { siteDir, domainName: 'www.example.com', hostedZoneId: 'Z1', certificateProvider });
      }),
    ).toThrow(/StaticSite: certificateProvider is in eu-west-1; CloudFront only uses certificates from us-east-1/);
  });

  it('a generated file that would overwrite a site file', () => {
    expect(() => synthSite({ generatedFiles: [{ key: 'index.html', content: 'x' }] })).toThrow(
      /generatedFiles key "index\.html" is already a file of the site/,
    );
    expect(() => synthSite({ generatedFiles: [{ key: '/config.json', content: 'x' }] })).toThrow(
      /generatedFiles key "\/config\.json" must be a relative object key/,
    );
  });
});

describe('StaticSite page values', () => {
  const files = {
    ...MINIMAL_SITE,
    'contact.html': '<form action="{{contactEndpoint}}"><p>{{unknown}} costs ${5} or 100%{x}</p></form>',
    'about.html': '<p>no placeholders, ${not} a reference</p>',
  };

  function objectsOf(doc: Synthesized['doc']): Record<string, any> {
    return Object.fromEntries(Object.values(resourcesOf(doc, 'aws_s3_object')).map((o) => [o.key, o]));
  }

  it('uploads a page with placeholders as its filled text, escaped for Terraform, and other pages as files', () => {
    const siteDir = makeSiteDir(files);
    const { doc } = synthStack((stack) => {
      const site = new StaticSite(stack, 'site', { siteDir });
      // Added after the construct, with a Terraform reference as the value.
      site.addPageValue('contactEndpoint', `${site.distribution.domainName}/contact`);
    });
    const byKey = objectsOf(doc);
    expect(byKey['contact.html'].content).toBe(
      `<form action="\${${addressOf(doc, 'aws_cloudfront_distribution')}.domain_name}/contact"><p>{{unknown}} costs $\${5} or 100%%{x}</p></form>`,
    );
    expect(byKey['contact.html']).toMatchObject({ content_type: 'text/html; charset=utf-8', cache_control: 'no-cache' });
    expect(byKey['contact.html'].source).toBeUndefined();
    expect(byKey['about.html'].source).toMatch(/about\.html$/);
    expect(byKey['about.html'].content).toBeUndefined();
  });

  it('HTML-escapes a literal value', () => {
    const { doc } = synthSite({ pageValues: { contactEndpoint: 'https://api.example.com/contact?a=1&b="2"' } }, files);
    expect(objectsOf(doc)['contact.html'].content).toContain('action="https://api.example.com/contact?a=1&amp;b=&quot;2&quot;"');
  });

  it('rejects a name that is not an identifier', () => {
    expect(() => synthSite({ pageValues: { 'contact-endpoint': 'x' } }, files)).toThrow(/StaticSite: pageValues name "contact-endpoint" must be a letter/);
  });

  it('fills the example contact form with the API URL, so it posts without JavaScript', () => {
    const stack = new ContactSiteStack(Testing.app(), 'contact-site', { region: 'us-east-1', redirectDomainNames: [], stateKey: 'k' });
    const doc = JSON.parse(Testing.synth(stack));
    const contact = objectsOf(doc)['contact.html'];
    expect(contact.content).toContain(`action="\${${addressOf(doc, 'aws_api_gateway_stage')}.invoke_url}/contact"`);
    expect(contact.content).not.toContain('{{contactEndpoint}}');
  });
});
