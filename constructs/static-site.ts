import { AssetType, DataResource, TerraformAsset, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { CloudfrontDistribution, CloudfrontDistributionConfig } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontFunction } from '@cdktf/provider-aws/lib/cloudfront-function';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { CloudfrontResponseHeadersPolicy } from '@cdktf/provider-aws/lib/cloudfront-response-headers-policy';
import { DataAwsCloudfrontCachePolicy } from '@cdktf/provider-aws/lib/data-aws-cloudfront-cache-policy';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { aliasRecords, dnsValidatedCertificate } from './internal/certificate';
import { accountUniqueName, dnsNameToId, readableConstructPath } from './internal/names';
import { denyWithoutTls } from './internal/policy-statements';
import { defaultAwsProvider } from './internal/providers';
import { createSecurityHeadersPolicy, strictTransportSecurityValue } from './internal/security-headers';
import { contentTypeFor, SiteFile, stageSiteFiles } from './internal/site-files';
import { uploadSiteFiles } from './internal/site-upload';
import { viewerRequestFunctionCode } from './internal/viewer-request-function';
import { checkGeneratedFileKey, checkPageValue, GeneratedSiteFile, resolveStaticSiteProps, StaticSiteProps, StaticSiteSettings } from './static-site-props';
import { suppressStaticSiteRules } from './static-site-suppressions';

// AWS's managed cache policy for static content (gzip + brotli, no cookies or query strings in the key).
const CACHING_OPTIMIZED_POLICY_NAME = 'Managed-CachingOptimized';
const SITE_ORIGIN_ID = 'site-bucket';
const SITE_ASSET_FOLDER = 'files';

/**
 * A static website on a private S3 bucket behind CloudFront with origin access control, with
 * optional custom domain (ACM certificate in us-east-1, DNS validation and alias records in Route 53),
 * security headers, and every file of `siteDir` uploaded with its content type and cache policy.
 *
 * @example
 * new StaticSite(stack, 'site', {
 *   siteDir: 'site',
 *   domainName: 'www.example.com',
 *   hostedZoneName: 'example.com',
 *   redirectDomainNames: ['example.com'],
 * });
 */
export class StaticSite extends Construct {
  /** The private bucket of the site's files, its `bucket_prefix` from the domain or the construct path. */
  public readonly bucket: S3Bucket;
  /** All four flags `true`: no public ACL or policy can take effect. */
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  /** `BucketOwnerEnforced`: ACLs are off. */
  public readonly ownershipControls: S3BucketOwnershipControls;
  /** SSE-S3 (AES256) by default. */
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  /** Aborts uploads left incomplete after a day. */
  public readonly lifecycle: S3BucketLifecycleConfiguration;
  /** S3 server access logging of the site bucket, with `bucketAccessLogging`. */
  public readonly bucketLogging?: S3BucketLoggingA;
  /**
   * `s3:GetObject` and `s3:ListBucket` (so that a missing key is a 404, not a 403) for `cloudfront.amazonaws.com`,
   * only with `AWS:SourceArn` = this distribution; every request without TLS denied.
   */
  public readonly bucketPolicyDocument: DataAwsIamPolicyDocument;
  /** The bucket policy, put after the public access block. */
  public readonly bucketPolicy: S3BucketPolicy;
  /** Origin access control: CloudFront signs every request to the bucket (`s3`, `always`, `sigv4`). */
  public readonly originAccessControl: CloudfrontOriginAccessControl;
  /** AWS's `Managed-CachingOptimized` cache policy, looked up by name. */
  public readonly cachePolicy: DataAwsCloudfrontCachePolicy;
  /** Present when `securityHeaders` is on. */
  public readonly responseHeadersPolicy?: CloudfrontResponseHeadersPolicy;
  /**
   * Rewrites `/path/` to `/path/index.html` and answers `redirectDomainNames` with a `301` that carries the
   * site's HSTS header; `create_before_destroy` (CloudFront cannot delete a function a distribution still uses).
   */
  public readonly viewerRequestFunction: CloudfrontFunction;
  /**
   * The distribution: `index.html` as root object, `redirect-to-https`, compression, IPv6, HTTP/2 and 3, the
   * 404 page, and TLS 1.2 (2021) with SNI on a custom domain.
   */
  public readonly distribution: CloudfrontDistribution;
  /**
   * The us-east-1 provider of the certificate, when this construct made one: it copies the stack's default
   * provider's `default_tags`, so that the certificate is tagged like everything else.
   */
  public readonly certificateProvider?: AwsProvider;
  /** With `domainName` and no `certificateArn`: the certificate in us-east-1 for every name, validated through DNS. */
  public readonly certificate?: AcmCertificate;
  /**
   * One validation record per name, made with `for_each` over the certificate's `domain_validation_options`
   * set itself (a `tolist()` of it is unknown at plan time for two or more names, and the plan fails).
   */
  public readonly certificateValidationRecords?: Route53Record;
  /** Waits until the certificate is issued; the distribution takes the ARN from it. */
  public readonly certificateValidation?: AcmCertificateValidation;
  /** With `hostedZoneName`: the zone, looked up by name. */
  public readonly hostedZone?: DataAwsRoute53Zone;
  /** `A` and `AAAA` alias records, keyed by `<type> <name>`. */
  public readonly aliasRecords: Record<string, Route53Record>;
  /** The site's files (those it uploads: no hidden file) as one asset in a fixed folder (`assets/<id>/files/`); each object's `source` points into it. */
  public readonly siteAsset: TerraformAsset;
  /**
   * One object per file, keyed by object key: the site files (with `upload: 'sync'` only the pages
   * with page values) and the `generatedFiles`. `Content-Type` by extension; `Cache-Control` `no-cache` for
   * HTML and unfingerprinted CSS/JS, a year `immutable` for fingerprinted names (`app.3f9a2b1c.js`), an
   * hour otherwise; `source_hash` is the file's MD5, so that only changed files are uploaded.
   */
  public readonly objects: Record<string, S3Object> = {};
  /**
   * With `upload: 'sync'`: the `terraform_data` whose `local-exec` provisioner uploads the site
   * folder, replaced (so run again) when the folder's content hash changes.
   */
  public readonly siteSync?: DataResource;
  /** With `upload: 'sync'`: the generated upload script, as an asset next to the site files. */
  public readonly siteSyncScript?: TerraformAsset;
  /** Output `url`: the site's URL. */
  public readonly urlOutput: TerraformOutput;
  /** Output `distribution-id`, for invalidations. */
  public readonly distributionIdOutput: TerraformOutput;
  /** Output `bucket-name`. */
  public readonly bucketNameOutput: TerraformOutput;

  /** `https://` plus the domain name, or the distribution's own name when there is no domain. */
  public readonly url: string;
  /** The origin (`https://host`) of every name the site answers on, for an API's CORS allowlist. */
  public readonly origins: string[];

  private readonly siteFiles: SiteFile[];
  /** Keys of the objects Terraform writes from `content` (generated files, pages with page values). */
  private readonly generatedKeys: string[] = [];
  private readonly pageValues: Record<string, string> = {};
  private readonly apiOrigins: string[];

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    const settings = resolveStaticSiteProps(props);
    this.siteFiles = settings.siteFiles;
    this.apiOrigins = [...(props.apiOrigins ?? [])];
    for (const [name, value] of Object.entries(props.pageValues ?? {})) this.addPageValue(name, value);

    // --- Private bucket -------------------------------------------------------------------------
    this.bucket = createBucket(this, settings);
    this.publicAccessBlock = blockPublicAccess(this, this.bucket);
    this.ownershipControls = disableAcls(this, this.bucket);
    this.encryption = encryptAtRest(this, this.bucket);
    this.lifecycle = abortIncompleteUploads(this, this.bucket);
    this.bucketLogging = settings.bucketAccessLogging && logBucketAccess(this, this.bucket, settings.bucketAccessLogging);

    // --- CloudFront -----------------------------------------------------------------------------
    this.originAccessControl = createOriginAccessControl(this);
    this.cachePolicy = new DataAwsCloudfrontCachePolicy(this, 'caching-optimized', { name: CACHING_OPTIMIZED_POLICY_NAME });
    this.responseHeadersPolicy =
      settings.hsts &&
      createSecurityHeadersPolicy(this, { hsts: settings.hsts, contentSecurityPolicy: props.contentSecurityPolicy, apiOrigins: this.apiOrigins });
    this.viewerRequestFunction = createViewerRequestFunction(this, settings);
    const domain = settings.names.length > 0 ? createDomain(this, id, props, settings.names) : undefined;
    this.hostedZone = domain?.hostedZone;
    this.certificateProvider = domain?.certificateProvider;
    this.certificate = domain?.certificate;
    this.certificateValidationRecords = domain?.validationRecords;
    this.certificateValidation = domain?.validation;
    this.distribution = createDistribution(this, props, settings, domain?.viewerCertificate);
    this.bucketPolicyDocument = createBucketPolicyDocument(this, this.bucket, this.distribution);
    this.bucketPolicy = attachBucketPolicy(this, this.bucket, this.bucketPolicyDocument, this.publicAccessBlock);
    this.aliasRecords = domain
      ? aliasRecords(this, {
          names: settings.names,
          zoneId: domain.hostedZoneId,
          targetDomainName: this.distribution.domainName,
          targetZoneId: this.distribution.hostedZoneId,
        })
      : {};

    // --- Site files -----------------------------------------------------------------------------
    // Only the site's files (never its hidden ones), in a fixed folder name instead of cdktf's hash of the whole
    // folder: with that hash, one edited file moved every object's `source` path, and Terraform planned an
    // update of every object. source_hash tracks content.
    this.siteAsset = new TerraformAsset(this, 'site-files', {
      path: stageSiteFiles(settings.siteFiles),
      type: AssetType.DIRECTORY,
      assetHash: SITE_ASSET_FOLDER,
    });
    const upload = uploadSiteFiles(this, settings, { pageValues: this.pageValues, generatedKeys: this.generatedKeys });
    Object.assign(this.objects, upload.objects);
    this.siteSyncScript = upload.syncScript;
    this.siteSync = upload.sync;
    for (const generated of props.generatedFiles ?? []) this.addGeneratedFile(generated);

    suppressStaticSiteRules(this, props, settings);

    // --- Outputs --------------------------------------------------------------------------------
    this.url = settings.names.length > 0 ? `https://${settings.names[0]}` : `https://${this.distribution.domainName}`;
    this.origins = settings.names.length > 0 ? settings.names.map((name) => `https://${name}`) : [this.url];
    this.urlOutput = new TerraformOutput(this, 'url', { value: this.url, description: 'The site URL' });
    this.distributionIdOutput = new TerraformOutput(this, 'distribution-id', {
      value: this.distribution.id,
      description: 'CloudFront distribution id (for invalidations)',
    });
    this.bucketNameOutput = new TerraformOutput(this, 'bucket-name', {
      value: this.bucket.bucket,
      description: 'Name of the private bucket that holds the site files',
    });
  }

  /**
   * Lets the pages `fetch` from and post forms to `origin` (`https://host`, or a Terraform
   * reference to one): adds it to the default CSP's `connect-src` and `form-action`.
   */
  public addApiOrigin(origin: string): void {
    if (!this.apiOrigins.includes(origin)) this.apiOrigins.push(origin);
  }

  /**
   * Sets the value of the `{{name}}` placeholders in the site's HTML (see `pageValues`), e.g. an API URL
   * that only exists once Terraform has made the API.
   */
  public addPageValue(name: string, value: string): void {
    checkPageValue(name, value);
    this.pageValues[name] = value;
  }

  /** Adds a file whose content Terraform writes into the bucket (e.g. `config.json` with an API URL). */
  public addGeneratedFile(file: GeneratedSiteFile): S3Object {
    checkGeneratedFileKey(file.key, this.objects[file.key] !== undefined || this.siteFiles.some((siteFile) => siteFile.key === file.key));
    const object = new S3Object(this, `generated-${file.key}`, {
      bucket: this.bucket.id,
      key: file.key,
      content: file.content,
      contentType: file.contentType ?? contentTypeFor(file.key),
      cacheControl: file.cacheControl ?? 'no-cache',
      dependsOn: [this.encryption],
    });
    this.objects[file.key] = object;
    this.generatedKeys.push(file.key);
    return object;
  }
}

// --- The steps, in the order the constructor takes them ----------------------------------------

function createBucket(site: Construct, settings: StaticSiteSettings): S3Bucket {
  return new S3Bucket(site, 'bucket', {
    bucketPrefix: bucketPrefix(settings.names[0] ?? readableConstructPath(site)),
    forceDestroy: settings.forceDestroy,
  });
}

function blockPublicAccess(site: Construct, bucket: S3Bucket): S3BucketPublicAccessBlock {
  return new S3BucketPublicAccessBlock(site, 'public-access-block', {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
}

function disableAcls(site: Construct, bucket: S3Bucket): S3BucketOwnershipControls {
  return new S3BucketOwnershipControls(site, 'ownership-controls', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
}

function encryptAtRest(site: Construct, bucket: S3Bucket): S3BucketServerSideEncryptionConfigurationA {
  return new S3BucketServerSideEncryptionConfigurationA(site, 'encryption', {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
  });
}

/** The parts of an upload that never completed (an interrupted deploy) are stored and billed until aborted. */
function abortIncompleteUploads(site: Construct, bucket: S3Bucket): S3BucketLifecycleConfiguration {
  return new S3BucketLifecycleConfiguration(site, 'lifecycle', {
    bucket: bucket.id,
    rule: [{ id: 'abort-incomplete-uploads', status: 'Enabled', filter: [{}], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }] }],
  });
}

function logBucketAccess(site: Construct, bucket: S3Bucket, logging: NonNullable<StaticSiteSettings['bucketAccessLogging']>): S3BucketLoggingA {
  return new S3BucketLoggingA(site, 'bucket-logging', { bucket: bucket.id, targetBucket: logging.bucketName, targetPrefix: logging.prefix });
}

function createOriginAccessControl(site: Construct): CloudfrontOriginAccessControl {
  return new CloudfrontOriginAccessControl(site, 'origin-access-control', {
    name: accountUniqueName(site, 'oac'),
    description: 'CloudFront signs every request to the site bucket',
    originAccessControlOriginType: 's3',
    signingBehavior: 'always',
    signingProtocol: 'sigv4',
  });
}

function createViewerRequestFunction(site: Construct, settings: StaticSiteSettings): CloudfrontFunction {
  return new CloudfrontFunction(site, 'viewer-request', {
    name: accountUniqueName(site, 'viewer-request'),
    comment: 'Serves /path/index.html for /path/ and redirects secondary names to the canonical one',
    runtime: 'cloudfront-js-2.0',
    publish: true,
    code: viewerRequestFunctionCode({
      canonicalHost: settings.names[0],
      redirectHosts: settings.names.slice(1),
      strictTransportSecurity: settings.hsts && strictTransportSecurityValue(settings.hsts),
    }),
    // A new name (e.g. another region part) replaces the function, and CloudFront refuses to delete one that a
    // distribution still uses: the new one must be associated first.
    lifecycle: { createBeforeDestroy: true },
  });
}

interface SiteDomain {
  readonly hostedZone?: DataAwsRoute53Zone;
  readonly hostedZoneId: string;
  readonly certificateProvider?: AwsProvider;
  readonly certificate?: AcmCertificate;
  readonly validationRecords?: Route53Record;
  readonly validation?: AcmCertificateValidation;
  readonly viewerCertificate: CloudfrontDistributionConfig['viewerCertificate'];
}

/** The hosted zone (looked up by name, or given by id) and the certificate (given, or made and DNS-validated in us-east-1). */
function createDomain(site: Construct, id: string, props: StaticSiteProps, names: string[]): SiteDomain {
  const hostedZone = props.hostedZoneId ? undefined : new DataAwsRoute53Zone(site, 'hosted-zone', { name: props.hostedZoneName!, privateZone: false });
  const hostedZoneId = props.hostedZoneId ?? hostedZone!.zoneId;
  const viewerCertificate = (certificateArn: string): CloudfrontDistributionConfig['viewerCertificate'] => ({
    acmCertificateArn: certificateArn,
    sslSupportMethod: 'sni-only',
    minimumProtocolVersion: 'TLSv1.2_2021',
  });
  if (props.certificateArn) return { hostedZone, hostedZoneId, viewerCertificate: viewerCertificate(props.certificateArn) };
  const certificateProvider = props.certificateProvider
    ? undefined
    : new AwsProvider(site, 'certificate-provider', {
        alias: `${dnsNameToId(id)}-us-east-1`,
        region: 'us-east-1',
        // The stack's tags reach the certificate too, as they reach every resource of the default provider.
        defaultTags: defaultAwsProvider(site)?.defaultTags,
      });
  const issued = dnsValidatedCertificate(site, { names, zoneId: hostedZoneId, provider: props.certificateProvider ?? certificateProvider! });
  return {
    hostedZone,
    hostedZoneId,
    certificateProvider,
    certificate: issued.certificate,
    validationRecords: issued.validationRecords,
    validation: issued.validation,
    // Taking the ARN from the validation makes the distribution wait until the certificate is issued.
    viewerCertificate: viewerCertificate(issued.validation.certificateArn),
  };
}

function createDistribution(
  site: StaticSite,
  props: StaticSiteProps,
  settings: StaticSiteSettings,
  viewerCertificate: CloudfrontDistributionConfig['viewerCertificate'] = { cloudfrontDefaultCertificate: true },
): CloudfrontDistribution {
  const { names } = settings;
  return new CloudfrontDistribution(site, 'distribution', {
    enabled: true,
    comment: `Static site ${names[0] ?? site.node.path}`,
    aliases: names.length > 0 ? names : undefined,
    defaultRootObject: 'index.html',
    isIpv6Enabled: true,
    httpVersion: 'http2and3',
    priceClass: settings.priceClass,
    origin: [{ originId: SITE_ORIGIN_ID, domainName: site.bucket.bucketRegionalDomainName, originAccessControlId: site.originAccessControl.id }],
    defaultCacheBehavior: {
      targetOriginId: SITE_ORIGIN_ID,
      viewerProtocolPolicy: 'redirect-to-https',
      allowedMethods: ['GET', 'HEAD'],
      cachedMethods: ['GET', 'HEAD'],
      compress: true,
      cachePolicyId: site.cachePolicy.id,
      responseHeadersPolicyId: site.responseHeadersPolicy?.id,
      functionAssociation: [{ eventType: 'viewer-request', functionArn: site.viewerRequestFunction.arn }],
    },
    customErrorResponse: [{ errorCode: 404, responseCode: 404, responsePagePath: settings.errorPagePath, errorCachingMinTtl: 60 }],
    restrictions: { geoRestriction: { restrictionType: 'none' } },
    viewerCertificate,
    loggingConfig: settings.accessLogging && { bucket: settings.accessLogging.bucketDomainName, prefix: settings.accessLogging.prefix, includeCookies: false },
    webAclId: props.webAclArn,
  });
}

/** CloudFront (this distribution only) may read and list the bucket; nothing may reach it without TLS. */
function createBucketPolicyDocument(site: Construct, bucket: S3Bucket, distribution: CloudfrontDistribution): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(site, 'bucket-policy-document', {
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
        // Without ListBucket, S3 answers 403 for a missing key and the 404 page never shows.
        sid: 'AllowCloudFrontListViaOAC',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['cloudfront.amazonaws.com'] }],
        actions: ['s3:ListBucket'],
        resources: [bucket.arn],
        condition: [{ test: 'StringEquals', variable: 'AWS:SourceArn', values: [distribution.arn] }],
      },
      denyWithoutTls(['s3:*'], [bucket.arn, `${bucket.arn}/*`]),
    ],
  });
}

function attachBucketPolicy(
  site: Construct,
  bucket: S3Bucket,
  document: DataAwsIamPolicyDocument,
  publicAccessBlock: S3BucketPublicAccessBlock,
): S3BucketPolicy {
  return new S3BucketPolicy(site, 'bucket-policy', {
    bucket: bucket.id,
    policy: document.json,
    // A policy put before the public access block exists could be rejected or briefly public.
    dependsOn: [publicAccessBlock],
  });
}

/** S3 bucket prefixes: lower case, at most 37 characters, from the site's name. */
function bucketPrefix(name: string): string {
  return `${dnsNameToId(name)
    .toLowerCase()
    .replace(/^-+|-+$/g, '')
    .slice(0, 28)}-site-`;
}
