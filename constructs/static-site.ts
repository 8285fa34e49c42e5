import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { AssetType, DataResource, Lazy, TerraformAsset, TerraformOutput } from 'cdktf';
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
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { aliasRecords, dnsValidatedCertificate } from './internal/certificate';
import { accountUniqueName, dnsNameToId, readableConstructPath } from './internal/names';
import { hasPageValues, isPageValueName, terraformPageContent } from './internal/page-values';
import { defaultAwsProvider } from './internal/providers';
import { contentTypeFor, listSiteFiles, SiteFile } from './internal/site-files';
import { siteContentHash, unsyncableKey, writeSiteSyncScript } from './internal/site-sync';
import { suppressRule } from './internal/suppressions';
import { checkDomainName, isConcrete, isInZone, PropError } from './internal/validate';
import { viewerRequestFunctionCode } from './internal/viewer-request-function';

/** CloudFront price classes: which edge locations serve the site. */
export type PriceClass = 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
const PRICE_CLASSES: readonly PriceClass[] = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'];

/** Where CloudFront writes its standard access logs. */
export interface StaticSiteAccessLogging {
  /**
   * The log bucket's domain name (`aws_s3_bucket.bucket_domain_name`, e.g. `logs.s3.amazonaws.com`).
   * CloudFront standard logging writes with ACLs, so that bucket needs object ownership
   * `BucketOwnerPreferred` and the `awslogsdelivery` grant; it cannot be this site's bucket.
   */
  readonly bucketDomainName: string;
  /** Key prefix for the log files. @default "cloudfront/" */
  readonly prefix?: string;
}

/** Where S3 writes the server access logs of the site bucket (requests that reach the bucket itself). */
export interface StaticSiteBucketAccessLogging {
  /**
   * Name of the log bucket (`aws_s3_bucket.bucket`). It must be in the same region and account as
   * the site bucket, must not be the site bucket, and must let the S3 logging service write to it:
   * with object ownership `BucketOwnerEnforced`, a bucket policy that allows
   * `logging.s3.amazonaws.com` `s3:PutObject` on the prefix.
   */
  readonly bucketName: string;
  /** Key prefix for the log objects. @default "s3/" */
  readonly prefix?: string;
}

/** A file that Terraform writes into the site bucket next to the site directory's files. */
export interface GeneratedSiteFile {
  /** Object key, e.g. `config.json`. */
  readonly key: string;
  /** The content; may contain Terraform references (e.g. an API's invoke URL), resolved at apply time. */
  readonly content: string;
  /** @default the type for the key's extension */
  readonly contentType?: string;
  /** @default "no-cache", so that a changed value is seen at once */
  readonly cacheControl?: string;
}

export interface StaticSiteProps {
  /**
   * Folder whose files are the site. Must contain `index.html`. Relative paths are resolved
   * from the current working directory.
   */
  readonly siteDir: string;

  /**
   * The site's canonical host name, e.g. `www.example.com`. Needs `hostedZoneId` or
   * `hostedZoneName`. Gets an ACM certificate in us-east-1 validated through DNS, and `A`/`AAAA`
   * alias records.
   * @default none: the site is served on the distribution's `*.cloudfront.net` name with CloudFront's certificate
   */
  readonly domainName?: string;

  /** Route 53 public hosted zone that holds `domainName`, by id. @default looked up by `hostedZoneName` */
  readonly hostedZoneId?: string;

  /** Route 53 public hosted zone that holds `domainName`, by name (a data source lookup). @default none */
  readonly hostedZoneName?: string;

  /**
   * More names, in the same hosted zone, that answer with a `301` to `https://<domainName>` and the
   * same path, e.g. the apex `example.com` for a `www.example.com` site. Done by a CloudFront
   * Function on the same distribution, not by a second bucket and distribution.
   * @default []
   */
  readonly redirectDomainNames?: string[];

  /**
   * An existing certificate for `domainName` (and `redirectDomainNames`) instead of a new one.
   * CloudFront only takes certificates from us-east-1.
   * @default a new DNS-validated certificate
   */
  readonly certificateArn?: string;

  /**
   * The AWS provider for the certificate, whose region must be us-east-1. Pass one to reuse its
   * credentials or assumed role.
   * @default a provider aliased `<id>-us-east-1` that uses the default credential chain, with the
   *   `default_tags` of the stack's default AWS provider
   */
  readonly certificateProvider?: AwsProvider;

  /** Which edge locations serve the site. @default "PriceClass_100" (North America and Europe) */
  readonly priceClass?: PriceClass;

  /** Page served, with status 404, for a path that has no file. Must exist in `siteDir`. @default "/404.html" */
  readonly errorPagePath?: string;

  /**
   * Adds HSTS (two years; `includeSubDomains` only with `hstsIncludeSubdomains`), `X-Content-Type-Options`,
   * `X-Frame-Options`, `Referrer-Policy`, `Permissions-Policy` and a Content-Security-Policy to every
   * response; the 301s of `redirectDomainNames` carry the same HSTS header.
   * @default true
   */
  readonly securityHeaders?: boolean;

  /**
   * Adds `includeSubDomains` to the HSTS header. Every name of the site sends that header, the
   * `redirectDomainNames` with their 301s included (and the canonical name may be an apex itself), so for
   * a site on `www.example.com` that redirects `example.com` this tells browsers to use only HTTPS for
   * every subdomain of `example.com`, for two years. Turn it on only when all of them serve HTTPS.
   * Needs `securityHeaders`.
   * @default false
   */
  readonly hstsIncludeSubdomains?: boolean;

  /**
   * The whole Content-Security-Policy value, replacing the default one.
   * @default `default-src 'self'` with `connect-src`/`form-action` extended by `apiOrigins`
   */
  readonly contentSecurityPolicy?: string;

  /**
   * Origins (`https://host`) the site's pages may call with `fetch` and post forms to, e.g. the
   * contact API; added to the default CSP's `connect-src` and `form-action`. May be Terraform references.
   * @default []
   */
  readonly apiOrigins?: string[];

  /** CloudFront standard access logs. @default off */
  readonly accessLogging?: StaticSiteAccessLogging;

  /** S3 server access logs of the site bucket, to a log bucket (`aws_s3_bucket_logging`). @default off */
  readonly bucketAccessLogging?: StaticSiteBucketAccessLogging;

  /**
   * ARN of an existing AWS WAFv2 web ACL to put in front of the distribution (its `web_acl_id`).
   * CloudFront only takes `CLOUDFRONT`-scope ACLs, which live in us-east-1:
   * `arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>`.
   * @default none: no WAF (a by-design suppression of CKV_AWS_68 / AwsSolutions-CFR2 is recorded)
   */
  readonly webAclArn?: string;

  /**
   * Values for `{{name}}` placeholders in the site's HTML, filled when the page is uploaded, e.g.
   * `{ contactEndpoint: api.endpointUrl }` for a form's `action="{{contactEndpoint}}"`. May be Terraform
   * references. A page with placeholders is uploaded as its filled text; a placeholder without a value
   * stays as written. More can be added with `addPageValue`.
   * @default {}
   */
  readonly pageValues?: Record<string, string>;

  /** Files that Terraform writes into the bucket, e.g. a `config.json` holding the API's URL. @default [] */
  readonly generatedFiles?: GeneratedSiteFile[];

  /**
   * Deletes the bucket on destroy even when it still holds objects that Terraform does not manage.
   * With `upload: 'sync'` Terraform does not manage the site's files, so `terraform destroy` needs it.
   * @default false, or true with `upload: 'sync'`
   */
  readonly forceDestroy?: boolean;

  /**
   * How the files of `siteDir` get into the bucket.
   *
   * - `'objects'`: one `aws_s3_object` per file. Terraform tracks every file: a plan lists which files
   *   change, and needs nothing but Terraform. But every plan refreshes every object (a few S3 calls
   *   each), the state grows by about 1.5 KB a file, and synth time and `cdk.tf.json` grow with the file count.
   * - `'sync'`: one `terraform_data` (`siteSync`) whose `triggers_replace` holds a content hash of the
   *   whole folder (every key, MD5, content type and cache control) and whose `local-exec` provisioner
   *   runs a generated script that uploads every file with the same headers as `'objects'` and
   *   deletes the objects that are no longer files of the site (`generatedFiles` stay Terraform
   *   objects and are never deleted by it). A plan refreshes one resource, whatever the size of the
   *   site. Needs, where Terraform runs, a POSIX shell (Linux, macOS, WSL) and the AWS CLI v2 with the
   *   same credentials; a plan shows that the site changes, not which files; any change uploads every file.
   *   `forceDestroy` defaults to true, since Terraform does not track the uploaded objects. A failed
   *   upload fails the apply and taints `siteSync`, so the next apply runs it again.
   *
   * Switching an existing site from `'objects'` to `'sync'` destroys the old `aws_s3_object`s in the
   * same apply as the upload, in no set order: run `terraform apply -replace=<siteSync's address>`
   * once afterwards (or `terraform state rm` the site's `aws_s3_object`s before the switch).
   *
   * Switch to `'sync'` for sites of a few thousand files or more (see bench/results.md for the
   * measured cross-over), or when plans get slow.
   * @default 'objects'
   */
  readonly upload?: StaticSiteUpload;
}

/** How StaticSite uploads the site files: one `aws_s3_object` each, or one synced folder. */
export type StaticSiteUpload = 'objects' | 'sync';
const UPLOAD_MODES: readonly StaticSiteUpload[] = ['objects', 'sync'];

const CONSTRUCT = 'StaticSite';
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
  public readonly bucket: S3Bucket;
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  public readonly ownershipControls: S3BucketOwnershipControls;
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  /** Aborts uploads left incomplete after a day. */
  public readonly lifecycle: S3BucketLifecycleConfiguration;
  /** S3 server access logging of the site bucket, with `bucketAccessLogging`. */
  public readonly bucketLogging?: S3BucketLoggingA;
  public readonly bucketPolicyDocument: DataAwsIamPolicyDocument;
  public readonly bucketPolicy: S3BucketPolicy;
  public readonly originAccessControl: CloudfrontOriginAccessControl;
  public readonly cachePolicy: DataAwsCloudfrontCachePolicy;
  /** Present when `securityHeaders` is on. */
  public readonly responseHeadersPolicy?: CloudfrontResponseHeadersPolicy;
  /** Rewrites `/path/` to `/path/index.html` and redirects `redirectDomainNames`. */
  public readonly viewerRequestFunction: CloudfrontFunction;
  public readonly distribution: CloudfrontDistribution;
  /** The provider used for the certificate, when this construct made one (with the stack provider's `default_tags`). */
  public readonly certificateProvider?: AwsProvider;
  public readonly certificate?: AcmCertificate;
  /** One record per name on the certificate, made with `for_each` over its validation options. */
  public readonly certificateValidationRecords?: Route53Record;
  public readonly certificateValidation?: AcmCertificateValidation;
  public readonly hostedZone?: DataAwsRoute53Zone;
  /** `A` and `AAAA` alias records, keyed by `<type> <name>`. */
  public readonly aliasRecords: Record<string, Route53Record>;
  /** The site directory's files as one asset; each object's `source` points into it. */
  public readonly siteAsset: TerraformAsset;
  /**
   * One object per file, keyed by object key: the site files (with `upload: 'sync'` only the pages
   * with page values) and the `generatedFiles`.
   */
  public readonly objects: Record<string, S3Object> = {};
  /**
   * With `upload: 'sync'`: the `terraform_data` whose `local-exec` provisioner uploads the site
   * folder, replaced (so run again) when the folder's content hash changes.
   */
  public readonly siteSync?: DataResource;
  /** With `upload: 'sync'`: the generated upload script, as an asset next to the site files. */
  public readonly siteSyncScript?: TerraformAsset;
  public readonly urlOutput: TerraformOutput;
  public readonly distributionIdOutput: TerraformOutput;
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
    this.apiOrigins = [...(props.apiOrigins ?? [])];
    const siteDir = resolve(props.siteDir ?? '');
    this.siteFiles = checkSiteDir(props);
    const errorPagePath = props.errorPagePath ?? '/404.html';
    checkErrorPage(errorPagePath, this.siteFiles);
    const priceClass = props.priceClass ?? 'PriceClass_100';
    if (!PRICE_CLASSES.includes(priceClass)) {
      throw new PropError(CONSTRUCT, 'priceClass', `"${priceClass}" is not one of ${PRICE_CLASSES.join(', ')}`);
    }
    const names = checkDomainProps(props);
    checkHardeningProps(props);
    const upload = props.upload ?? 'objects';
    if (!UPLOAD_MODES.includes(upload)) {
      throw new PropError(CONSTRUCT, 'upload', `"${upload}" is not one of ${UPLOAD_MODES.join(', ')}`);
    }
    if (upload === 'sync') {
      const key = unsyncableKey(this.siteFiles);
      if (key !== undefined) throw new PropError(CONSTRUCT, 'upload', `'sync' cannot upload the file ${JSON.stringify(key)} of siteDir (a line break in its name)`);
    }

    for (const [name, value] of Object.entries(props.pageValues ?? {})) this.addPageValue(name, value);

    // --- Private bucket -------------------------------------------------------------------------
    this.bucket = new S3Bucket(this, 'bucket', {
      bucketPrefix: bucketPrefix(names[0] ?? readableConstructPath(this)),
      forceDestroy: props.forceDestroy ?? upload === 'sync',
    });
    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    this.ownershipControls = new S3BucketOwnershipControls(this, 'ownership-controls', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    this.encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    // The parts of an upload that never completed (an interrupted deploy) are stored and billed until aborted.
    this.lifecycle = new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [{ id: 'abort-incomplete-uploads', status: 'Enabled', filter: [{}], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }] }],
    });
    if (props.bucketAccessLogging) {
      this.bucketLogging = new S3BucketLoggingA(this, 'bucket-logging', {
        bucket: this.bucket.id,
        targetBucket: props.bucketAccessLogging.bucketName,
        targetPrefix: props.bucketAccessLogging.prefix ?? 's3/',
      });
    } else {
      const reason =
        'S3 server access logging is opt-in (bucketAccessLogging): it needs a separate log bucket that this construct does not own. ' +
        'The bucket is private and only CloudFront reads it (OAC, bound to this distribution), so viewer requests are in the CloudFront logs when accessLogging is on.';
      suppressRule(this.bucket, 'CKV_AWS_18', reason);
      suppressRule(this.bucket, 'AwsSolutions-S1', reason);
    }

    // --- CloudFront -----------------------------------------------------------------------------
    this.originAccessControl = new CloudfrontOriginAccessControl(this, 'origin-access-control', {
      name: accountUniqueName(this, 'oac'),
      description: 'CloudFront signs every request to the site bucket',
      originAccessControlOriginType: 's3',
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    });
    this.cachePolicy = new DataAwsCloudfrontCachePolicy(this, 'caching-optimized', {
      name: CACHING_OPTIMIZED_POLICY_NAME,
    });
    const hsts = checkHsts(props);
    if (props.securityHeaders ?? true) {
      this.responseHeadersPolicy = this.createResponseHeadersPolicy(props, hsts!);
    }
    this.viewerRequestFunction = new CloudfrontFunction(this, 'viewer-request', {
      name: accountUniqueName(this, 'viewer-request'),
      comment: 'Serves /path/index.html for /path/ and redirects secondary names to the canonical one',
      runtime: 'cloudfront-js-2.0',
      publish: true,
      code: viewerRequestFunctionCode({
        canonicalHost: names[0],
        redirectHosts: names.slice(1),
        strictTransportSecurity: hsts && strictTransportSecurityValue(hsts),
      }),
      // A new name (e.g. another region part) replaces the function, and CloudFront refuses to delete one that a
      // distribution still uses: the new one must be associated first.
      lifecycle: { createBeforeDestroy: true },
    });

    let viewerCertificate: CloudfrontDistributionConfig['viewerCertificate'] = { cloudfrontDefaultCertificate: true };
    let hostedZoneId: string | undefined;
    if (names.length > 0) {
      if (props.hostedZoneId) {
        hostedZoneId = props.hostedZoneId;
      } else {
        this.hostedZone = new DataAwsRoute53Zone(this, 'hosted-zone', { name: props.hostedZoneName!, privateZone: false });
        hostedZoneId = this.hostedZone.zoneId;
      }
      let certificateArn = props.certificateArn;
      if (!certificateArn) {
        if (!props.certificateProvider) {
          this.certificateProvider = new AwsProvider(this, 'certificate-provider', {
            alias: `${dnsNameToId(id)}-us-east-1`,
            region: 'us-east-1',
            // The stack's tags reach the certificate too, as they reach every resource of the default provider.
            defaultTags: defaultAwsProvider(this)?.defaultTags,
          });
        }
        const provider = props.certificateProvider ?? this.certificateProvider!;
        const issued = dnsValidatedCertificate(this, { names, zoneId: hostedZoneId, provider });
        this.certificate = issued.certificate;
        this.certificateValidationRecords = issued.validationRecords;
        this.certificateValidation = issued.validation;
        // Taking the ARN from the validation makes the distribution wait until the certificate is issued.
        certificateArn = this.certificateValidation.certificateArn;
      }
      viewerCertificate = {
        acmCertificateArn: certificateArn,
        sslSupportMethod: 'sni-only',
        minimumProtocolVersion: 'TLSv1.2_2021',
      };
    }

    this.distribution = new CloudfrontDistribution(this, 'distribution', {
      enabled: true,
      comment: `Static site ${names[0] ?? this.node.path}`,
      aliases: names.length > 0 ? names : undefined,
      defaultRootObject: 'index.html',
      isIpv6Enabled: true,
      httpVersion: 'http2and3',
      priceClass,
      origin: [
        {
          originId: SITE_ORIGIN_ID,
          domainName: this.bucket.bucketRegionalDomainName,
          originAccessControlId: this.originAccessControl.id,
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: SITE_ORIGIN_ID,
        viewerProtocolPolicy: 'redirect-to-https',
        allowedMethods: ['GET', 'HEAD'],
        cachedMethods: ['GET', 'HEAD'],
        compress: true,
        cachePolicyId: this.cachePolicy.id,
        responseHeadersPolicyId: this.responseHeadersPolicy?.id,
        functionAssociation: [{ eventType: 'viewer-request', functionArn: this.viewerRequestFunction.arn }],
      },
      customErrorResponse: [
        { errorCode: 404, responseCode: 404, responsePagePath: errorPagePath, errorCachingMinTtl: 60 },
      ],
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate,
      loggingConfig: props.accessLogging && {
        bucket: props.accessLogging.bucketDomainName,
        prefix: props.accessLogging.prefix ?? 'cloudfront/',
        includeCookies: false,
      },
      webAclId: props.webAclArn,
    });
    this.suppressByDesign(props, names);

    this.bucketPolicyDocument = new DataAwsIamPolicyDocument(this, 'bucket-policy-document', {
      statement: [
        {
          sid: 'AllowCloudFrontReadViaOAC',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudfront.amazonaws.com'] }],
          actions: ['s3:GetObject'],
          resources: [`${this.bucket.arn}/*`],
          condition: [{ test: 'StringEquals', variable: 'AWS:SourceArn', values: [this.distribution.arn] }],
        },
        {
          // Without ListBucket, S3 answers 403 for a missing key and the 404 page never shows.
          sid: 'AllowCloudFrontListViaOAC',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudfront.amazonaws.com'] }],
          actions: ['s3:ListBucket'],
          resources: [this.bucket.arn],
          condition: [{ test: 'StringEquals', variable: 'AWS:SourceArn', values: [this.distribution.arn] }],
        },
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    this.bucketPolicy = new S3BucketPolicy(this, 'bucket-policy', {
      bucket: this.bucket.id,
      policy: this.bucketPolicyDocument.json,
      // A policy put before the public access block exists could be rejected or briefly public.
      dependsOn: [this.publicAccessBlock],
    });

    this.aliasRecords = hostedZoneId
      ? aliasRecords(this, {
          names,
          zoneId: hostedZoneId,
          targetDomainName: this.distribution.domainName,
          targetZoneId: this.distribution.hostedZoneId,
        })
      : {};

    // --- Site files -----------------------------------------------------------------------------
    // A fixed folder name instead of cdktf's hash of the whole folder: with that hash, one edited file moved
    // every object's `source` path, and Terraform planned an update of every object. source_hash tracks content.
    this.siteAsset = new TerraformAsset(this, 'site-files', { path: siteDir, type: AssetType.DIRECTORY, assetHash: SITE_ASSET_FOLDER });
    // Pages with {{name}} placeholders are uploaded as their filled text, in either upload mode.
    const pages = this.siteFiles
      .filter((file) => file.contentType.startsWith('text/html'))
      .map((file) => ({ file, html: readFileSync(file.absolutePath, 'utf8') }))
      .filter(({ html }) => hasPageValues(html));
    for (const { file: page, html } of pages) {
      this.objects[page.key] = new S3Object(this, `file-${page.key}`, {
        bucket: this.bucket.id,
        key: page.key,
        // Lazy: values added after the construct (addPageValue) are filled in too.
        content: Lazy.stringValue({ produce: () => terraformPageContent(html, this.pageValues) }),
        contentType: page.contentType,
        cacheControl: page.cacheControl,
        dependsOn: [this.encryption],
      });
      this.generatedKeys.push(page.key);
    }
    const uploadedFiles = this.siteFiles.filter((file) => !pages.some((page) => page.file === file));
    if (upload === 'objects') {
      for (const file of uploadedFiles) {
        this.objects[file.key] = new S3Object(this, `file-${file.key}`, {
          bucket: this.bucket.id,
          key: file.key,
          source: `${this.siteAsset.path}/${file.key}`,
          sourceHash: file.md5,
          contentType: file.contentType,
          cacheControl: file.cacheControl,
          dependsOn: [this.encryption],
        });
      }
    } else {
      this.siteSyncScript = new TerraformAsset(this, 'site-sync-script', { path: writeSiteSyncScript(uploadedFiles), type: AssetType.FILE });
      // Paths relative to the stack folder, where Terraform runs local-exec; the bucket by reference.
      this.siteSync = new DataResource(this, 'site-sync', {
        triggersReplace: { content_hash: siteContentHash(uploadedFiles), bucket: this.bucket.bucket },
        dependsOn: [this.publicAccessBlock, this.ownershipControls, this.encryption, this.bucketPolicy],
        provisioners: [
          {
            type: 'local-exec',
            command: `sh ${this.siteSyncScript.path} '${this.bucket.bucket}' ${this.siteAsset.path}`,
            environment: {
              // The CLI talks to the bucket's region whatever the profile's default region is.
              AWS_REGION: this.bucket.bucketRegion,
              // Lazy: generated files added after the construct (addGeneratedFile) are kept too.
              SITE_SYNC_KEEP: Lazy.stringValue({ produce: () => this.generatedKeys.join('\n') }),
            },
          },
        ],
      });
    }
    for (const generated of props.generatedFiles ?? []) {
      this.addGeneratedFile(generated);
    }

    // --- Outputs --------------------------------------------------------------------------------
    this.url = names.length > 0 ? `https://${names[0]}` : `https://${this.distribution.domainName}`;
    this.origins = names.length > 0 ? names.map((name) => `https://${name}`) : [this.url];
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

  /** Records why the rules that do not hold for this configuration do not (see checks/). */
  private suppressByDesign(props: StaticSiteProps, names: string[]): void {
    if (names.length === 0) {
      const reason =
        "No domainName: the site is served on its *.cloudfront.net name with CloudFront's default certificate, for which CloudFront " +
        'fixes the minimum viewer protocol at TLSv1 (minimum_protocol_version only applies to a custom certificate). With domainName the distribution uses TLSv1.2_2021.';
      suppressRule(this.distribution, 'CKV_AWS_174', reason);
      suppressRule(this.distribution, 'AwsSolutions-CFR4', reason);
      suppressRule(this.distribution, 'CKV2_AWS_42', reason);
    }
    if (props.webAclArn === undefined) {
      const reason =
        'WAF is opt-in (webAclArn): a web ACL costs from $5 a month plus rules and requests, and this distribution serves public, cached static files ' +
        'from a bucket that only CloudFront can read (OAC), over HTTPS with security headers. Pass webAclArn (a CLOUDFRONT-scope web ACL) to attach one.';
      suppressRule(this.distribution, 'CKV_AWS_68', reason);
      suppressRule(this.distribution, 'AwsSolutions-CFR2', reason);
    }
    if (props.accessLogging === undefined) {
      const reason =
        'CloudFront standard logging is opt-in (accessLogging): it writes with ACLs into a separate log bucket (BucketOwnerPreferred, awslogsdelivery grant) ' +
        'that this construct does not own. Pass accessLogging to turn it on.';
      suppressRule(this.distribution, 'CKV_AWS_86', reason);
      suppressRule(this.distribution, 'AwsSolutions-CFR3', reason);
    }
    suppressRule(
      this.distribution,
      'CKV2_AWS_47',
      props.webAclArn === undefined
        ? 'No web ACL is attached (webAclArn is opt-in, see CKV_AWS_68), so there are no managed rule groups to check.'
        : "The web ACL is passed by ARN (webAclArn) and its rules are its owner's; this stack cannot see them. Include " +
            'AWSManagedRulesKnownBadInputsRuleSet (Log4j) and AWSManagedRulesAnonymousIpList in it.',
    );
    suppressRule(
      this.distribution,
      'CKV_AWS_374',
      'A public website is for readers in every country: geo restriction is a business decision (licensing, sanctions), not a security default. ' +
        'Add restrictions.geoRestriction through an override where one applies.',
    );
    suppressRule(
      this.distribution,
      'CKV_AWS_310',
      'One origin, an S3 bucket in one region (99.99% availability design), and every file cached at the edge; a failover origin needs a second ' +
        'bucket kept in step (CKV_AWS_144), doubling storage and upload for a site that is rebuilt from source on each deploy.',
    );
    if (this.responseHeadersPolicy) {
      suppressRule(
        this.responseHeadersPolicy,
        'CKV_AWS_259',
        'HSTS is sent for two years with override, but without preload, and includeSubDomains only with hstsIncludeSubdomains: preload puts the ' +
          "whole registrable domain, every subdomain included, on browsers' built-in HTTPS-only lists, a commitment that takes months to undo and " +
          'that this construct cannot make for the owner of the domain.',
      );
    }
    const rebuiltFromSource = 'The bucket holds the build output of siteDir, which every deploy uploads again from source control';
    suppressRule(this.bucket, 'CKV_AWS_21', `${rebuiltFromSource}: source control is the version history; object versions would keep every deploy's files, billed, for nothing to restore.`);
    suppressRule(this.bucket, 'CKV_AWS_144', `${rebuiltFromSource}, so a copy in a second region adds cost and a replication role without a copy worth keeping (see CKV_AWS_310).`);
    suppressRule(
      this.bucket,
      'CKV_AWS_145',
      'Encrypted at rest with SSE-S3 (AES256, CKV_AWS_19). The files are public once served; SSE-KMS would add a key policy granting CloudFront decrypt ' +
        '(OAC with KMS) and a KMS request per cache miss, protecting nothing a reader cannot fetch.',
    );
    suppressRule(this.bucket, 'CKV2_AWS_62', 'Nothing reacts to changes in the site bucket: only deploys write to it, and they are in the Terraform plan and CloudTrail.');
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
    if (!isPageValueName(name)) {
      throw new PropError(CONSTRUCT, 'pageValues', `name "${name}" must be a letter followed by letters, digits or "_"`);
    }
    if (typeof value !== 'string') throw new PropError(CONSTRUCT, 'pageValues', `value of "${name}" must be a string`);
    this.pageValues[name] = value;
  }

  /** Adds a file whose content Terraform writes into the bucket (e.g. `config.json` with an API URL). */
  public addGeneratedFile(file: GeneratedSiteFile): S3Object {
    if (!/^[^/].*[^/]$|^[^/]$/.test(file.key) || file.key.includes('..')) {
      throw new PropError(CONSTRUCT, 'generatedFiles', `key "${file.key}" must be a relative object key such as "config.json"`);
    }
    if (this.objects[file.key] || this.siteFiles.some((siteFile) => siteFile.key === file.key)) {
      throw new PropError(CONSTRUCT, 'generatedFiles', `key "${file.key}" is already a file of the site`);
    }
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

  private createResponseHeadersPolicy(props: StaticSiteProps, hsts: Hsts): CloudfrontResponseHeadersPolicy {
    // Lazy, so that an API created after the site can still be added with addApiOrigin().
    const csp = props.contentSecurityPolicy ?? Lazy.stringValue({ produce: () => defaultContentSecurityPolicy(this.apiOrigins) });
    if (isConcrete(csp) && (csp.trim() === '' || /[\r\n]/.test(csp))) {
      throw new PropError(CONSTRUCT, 'contentSecurityPolicy', 'must be a non-empty, single-line policy');
    }
    return new CloudfrontResponseHeadersPolicy(this, 'security-headers', {
      name: accountUniqueName(this, 'security-headers'),
      comment: 'Security headers for the static site',
      securityHeadersConfig: {
        strictTransportSecurity: {
          accessControlMaxAgeSec: hsts.maxAgeSeconds,
          includeSubdomains: hsts.includeSubdomains,
          preload: false,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: 'DENY', override: true },
        referrerPolicy: { referrerPolicy: 'strict-origin-when-cross-origin', override: true },
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
      },
      customHeadersConfig: {
        items: [{ header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()', override: true }],
      },
    });
  }
}

/** The HSTS settings, sent by the response headers policy and by the redirects of the viewer-request function. */
interface Hsts {
  readonly maxAgeSeconds: number;
  readonly includeSubdomains: boolean;
}

/** Two years, the value hstspreload.org asks for. */
const HSTS_MAX_AGE_SECONDS = 63_072_000;

/** The HSTS settings with `securityHeaders` (`undefined` without); validates `hstsIncludeSubdomains`. */
function checkHsts(props: StaticSiteProps): Hsts | undefined {
  const includeSubdomains = props.hstsIncludeSubdomains ?? false;
  if (typeof includeSubdomains !== 'boolean') throw new PropError(CONSTRUCT, 'hstsIncludeSubdomains', 'must be a boolean');
  if (!(props.securityHeaders ?? true)) {
    if (props.hstsIncludeSubdomains !== undefined) throw new PropError(CONSTRUCT, 'hstsIncludeSubdomains', 'needs securityHeaders (no HSTS header is sent without it)');
    return undefined;
  }
  return { maxAgeSeconds: HSTS_MAX_AGE_SECONDS, includeSubdomains };
}

/** The header as CloudFront writes it from the policy's settings. */
function strictTransportSecurityValue(hsts: Hsts): string {
  return `max-age=${hsts.maxAgeSeconds}${hsts.includeSubdomains ? '; includeSubDomains' : ''}`;
}

/** `default-src 'self'`, plus the API origins for `fetch` and plain form posts. */
export function defaultContentSecurityPolicy(apiOrigins: string[]): string {
  const api = apiOrigins.length > 0 ? ` ${apiOrigins.join(' ')}` : '';
  return [
    "default-src 'self'",
    "img-src 'self' data:",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self'${api}`,
    `form-action 'self'${api}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
    'upgrade-insecure-requests',
  ].join('; ');
}

function checkSiteDir(props: StaticSiteProps): SiteFile[] {
  if (typeof props.siteDir !== 'string' || props.siteDir === '') {
    throw new PropError(CONSTRUCT, 'siteDir', 'is required: the folder that holds the site files');
  }
  const dir = resolve(props.siteDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new PropError(CONSTRUCT, 'siteDir', `"${props.siteDir}" is not a folder (resolved to ${dir})`);
  }
  if (!existsSync(join(dir, 'index.html'))) {
    throw new PropError(CONSTRUCT, 'siteDir', `"${props.siteDir}" has no index.html, which CloudFront serves for "/"`);
  }
  return listSiteFiles(dir);
}

function checkErrorPage(errorPagePath: string, files: SiteFile[]): void {
  if (!errorPagePath.startsWith('/') || isAbsolute(errorPagePath.slice(1))) {
    throw new PropError(CONSTRUCT, 'errorPagePath', `"${errorPagePath}" must be a path that starts with "/", such as "/404.html"`);
  }
  if (!files.some((file) => `/${file.key}` === errorPagePath)) {
    throw new PropError(CONSTRUCT, 'errorPagePath', `"${errorPagePath}" is not a file of siteDir`);
  }
}

/** Validates the domain props; returns every name the site answers on, the canonical one first. */
function checkDomainProps(props: StaticSiteProps): string[] {
  const redirects = props.redirectDomainNames ?? [];
  if (props.domainName === undefined) {
    for (const prop of ['hostedZoneId', 'hostedZoneName', 'certificateArn', 'certificateProvider'] as const) {
      if (props[prop] !== undefined) throw new PropError(CONSTRUCT, prop, 'needs domainName');
    }
    if (redirects.length > 0) throw new PropError(CONSTRUCT, 'redirectDomainNames', 'needs domainName');
    return [];
  }
  checkDomainName(CONSTRUCT, 'domainName', props.domainName);
  redirects.forEach((name) => checkDomainName(CONSTRUCT, 'redirectDomainNames', name));
  const names = [props.domainName, ...redirects];
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new PropError(CONSTRUCT, 'redirectDomainNames', `lists "${duplicate}" twice (or repeats domainName)`);

  if (props.hostedZoneId === undefined && props.hostedZoneName === undefined) {
    throw new PropError(CONSTRUCT, 'hostedZoneId', `or hostedZoneName is required with domainName "${props.domainName}": the DNS validation and alias records go there`);
  }
  if (props.hostedZoneId !== undefined && props.hostedZoneName !== undefined) {
    throw new PropError(CONSTRUCT, 'hostedZoneId', 'and hostedZoneName are exclusive: give one');
  }
  if (isConcrete(props.hostedZoneId) && !/^Z[A-Z0-9]{1,31}$/.test(props.hostedZoneId)) {
    throw new PropError(CONSTRUCT, 'hostedZoneId', `"${props.hostedZoneId}" is not a Route 53 hosted zone id (Z followed by upper-case letters and digits)`);
  }
  if (isConcrete(props.hostedZoneName)) {
    checkDomainName(CONSTRUCT, 'hostedZoneName', props.hostedZoneName.replace(/\.$/, ''));
    for (const name of names) {
      if (isConcrete(name) && !isInZone(name, props.hostedZoneName)) {
        throw new PropError(CONSTRUCT, names.indexOf(name) === 0 ? 'domainName' : 'redirectDomainNames', `"${name}" is not in hosted zone "${props.hostedZoneName}"`);
      }
    }
  }
  if (isConcrete(props.certificateArn)) {
    const region = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/.exec(props.certificateArn)?.[1];
    if (!region) throw new PropError(CONSTRUCT, 'certificateArn', `"${props.certificateArn}" is not an ACM certificate ARN`);
    if (region !== 'us-east-1') {
      throw new PropError(CONSTRUCT, 'certificateArn', `is in ${region}; CloudFront only uses certificates from us-east-1`);
    }
    if (props.certificateProvider) throw new PropError(CONSTRUCT, 'certificateProvider', 'is not used with certificateArn');
  }
  const providerRegion = props.certificateProvider?.region;
  if (isConcrete(providerRegion) && providerRegion !== 'us-east-1') {
    throw new PropError(CONSTRUCT, 'certificateProvider', `is in ${providerRegion}; CloudFront only uses certificates from us-east-1`);
  }
  if (props.certificateProvider && providerRegion === undefined) {
    throw new PropError(CONSTRUCT, 'certificateProvider', 'must set region "us-east-1"');
  }
  return names;
}

/** Validates webAclArn and bucketAccessLogging. */
function checkHardeningProps(props: StaticSiteProps): void {
  const acl = props.webAclArn;
  if (acl !== undefined && isConcrete(acl)) {
    const parts = /^arn:aws[a-z-]*:wafv2:([a-z0-9-]+):(\d{12}):(global|regional)\/webacl\/[A-Za-z0-9_-]{1,128}\/[A-Za-z0-9-]{1,128}$/.exec(acl);
    if (!parts) {
      throw new PropError(CONSTRUCT, 'webAclArn', `"${acl}" is not a WAFv2 web ACL ARN (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)`);
    }
    if (parts[3] === 'regional') {
      throw new PropError(CONSTRUCT, 'webAclArn', `"${acl}" is a REGIONAL web ACL; CloudFront needs a CLOUDFRONT-scope one (arn:aws:wafv2:us-east-1:<account>:global/webacl/...)`);
    }
    if (parts[1] !== 'us-east-1') {
      throw new PropError(CONSTRUCT, 'webAclArn', `is in ${parts[1]}; CLOUDFRONT-scope web ACLs are in us-east-1`);
    }
  }
  const logging = props.bucketAccessLogging;
  if (logging !== undefined) {
    if (typeof logging.bucketName !== 'string' || logging.bucketName === '') {
      throw new PropError(CONSTRUCT, 'bucketAccessLogging', 'needs bucketName: the log bucket');
    }
    if (isConcrete(logging.bucketName) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(logging.bucketName)) {
      throw new PropError(CONSTRUCT, 'bucketAccessLogging', `bucketName "${logging.bucketName}" is not an S3 bucket name (3-63 lower-case letters, digits, "." and "-"; not a domain name or ARN)`);
    }
    if (logging.prefix !== undefined && isConcrete(logging.prefix) && (logging.prefix.startsWith('/') || logging.prefix.length > 900)) {
      throw new PropError(CONSTRUCT, 'bucketAccessLogging', `prefix "${logging.prefix}" must be a key prefix such as "s3/" (no leading "/")`);
    }
  }
}

/** S3 bucket prefixes: lower case, at most 37 characters, from the site's name. */
function bucketPrefix(name: string): string {
  return `${dnsNameToId(name).toLowerCase().replace(/^-+|-+$/g, '').slice(0, 28)}-site-`;
}
