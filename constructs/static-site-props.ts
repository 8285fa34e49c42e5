/**
 * StaticSite's props, their defaults, and {@link resolveStaticSiteProps}, which checks them all and
 * turns them into the settings the construct is built from.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { isPageValueName } from './internal/page-values';
import { checkHsts, Hsts } from './internal/security-headers';
import { listSiteFiles, SiteFile } from './internal/site-files';
import { unsyncableKey } from './internal/site-sync';
import { checkDomainAndZone, checkWebAclArn, isConcrete, PropChecks, PropError } from './internal/validate';

/** CloudFront price classes: which edge locations serve the site. */
export type PriceClass = 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';

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
   * Adds HSTS (two years; `includeSubDomains` only with `hstsIncludeSubdomains`), `X-Content-Type-Options: nosniff`,
   * `X-Frame-Options: DENY`, `Referrer-Policy`, `Permissions-Policy` and a Content-Security-Policy to every
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

  /** Files that Terraform writes into the bucket, e.g. a `config.json` holding the API's URL; more with `addGeneratedFile()`. @default [] */
  readonly generatedFiles?: GeneratedSiteFile[];

  /**
   * Deletes the bucket on destroy even when it still holds objects that Terraform does not manage.
   * With `upload: 'sync'` Terraform does not manage the site's files, so `terraform destroy` needs it.
   * @default false, or true with `upload: 'sync'`
   */
  readonly forceDestroy?: boolean;

  /**
   * How the files of `siteDir` get into the bucket: `'objects'`, one `aws_s3_object` per file, or `'sync'`,
   * one `terraform_data` that uploads the folder with the AWS CLI (see the README's "Large sites").
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

const PRICE_CLASSES: readonly PriceClass[] = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'];
const UPLOAD_MODES: readonly StaticSiteUpload[] = ['objects', 'sync'];
const CONSTRUCT = 'StaticSite';

/** The props with their defaults applied, checked: what the construct is built from. */
export interface StaticSiteSettings {
  /** `siteDir`, absolute. */
  readonly siteDir: string;
  readonly siteFiles: SiteFile[];
  readonly errorPagePath: string;
  readonly priceClass: PriceClass;
  /** Every name the site answers on, the canonical one (`domainName`) first; empty without a domain. */
  readonly names: string[];
  readonly upload: StaticSiteUpload;
  readonly forceDestroy: boolean;
  /** The HSTS header's settings; `undefined` without `securityHeaders`. */
  readonly hsts?: Hsts;
  readonly accessLogging?: Required<StaticSiteAccessLogging>;
  readonly bucketAccessLogging?: Required<StaticSiteBucketAccessLogging>;
}

/** Checks every prop (all problems in one PropError) and applies the defaults. */
export function resolveStaticSiteProps(props: StaticSiteProps): StaticSiteSettings {
  const checks = new PropChecks(CONSTRUCT);
  const siteFiles = checks.check(() => {
    const files = checkSiteDir(props);
    checkErrorPage(props.errorPagePath ?? '/404.html', files);
    return files;
  }, [] as SiteFile[]);
  const priceClass = props.priceClass ?? 'PriceClass_100';
  checks.check(() => {
    if (!PRICE_CLASSES.includes(priceClass)) throw new PropError(CONSTRUCT, 'priceClass', `"${priceClass}" is not one of ${PRICE_CLASSES.join(', ')}`);
  });
  const names = checks.check(() => checkDomainProps(props), [] as string[]);
  checks.check(() => checkWebAclArn(CONSTRUCT, 'webAclArn', props.webAclArn, 'CLOUDFRONT'));
  checks.check(() => checkBucketAccessLogging(props));
  const upload = props.upload ?? 'objects';
  checks.check(() => checkUpload(upload, siteFiles));
  for (const [name, value] of Object.entries(props.pageValues ?? {})) checks.check(() => checkPageValue(name, value));
  const hsts = checks.check(() => checkHsts(props), undefined);
  checks.check(() => checkContentSecurityPolicy(props));
  checks.throwIfAny();
  return {
    siteDir: resolve(props.siteDir),
    siteFiles,
    errorPagePath: props.errorPagePath ?? '/404.html',
    priceClass,
    names,
    upload,
    forceDestroy: props.forceDestroy ?? upload === 'sync',
    hsts,
    accessLogging: props.accessLogging && { bucketDomainName: props.accessLogging.bucketDomainName, prefix: props.accessLogging.prefix ?? 'cloudfront/' },
    bucketAccessLogging: props.bucketAccessLogging && { bucketName: props.bucketAccessLogging.bucketName, prefix: props.bucketAccessLogging.prefix ?? 's3/' },
  };
}

/** A `pageValues` entry (also for `addPageValue`). */
export function checkPageValue(name: string, value: unknown): void {
  if (!isPageValueName(name)) throw new PropError(CONSTRUCT, 'pageValues', `name "${name}" must be a letter followed by letters, digits or "_"`);
  if (typeof value !== 'string') throw new PropError(CONSTRUCT, 'pageValues', `value of "${name}" must be a string`);
}

/** A `generatedFiles` entry (also for `addGeneratedFile`): a relative key, not taken by another file. */
export function checkGeneratedFileKey(key: string, taken: boolean): void {
  if (!/^[^/].*[^/]$|^[^/]$/.test(key) || key.includes('..')) {
    throw new PropError(CONSTRUCT, 'generatedFiles', `key "${key}" must be a relative object key such as "config.json"`);
  }
  if (taken) throw new PropError(CONSTRUCT, 'generatedFiles', `key "${key}" is already a file of the site`);
}

function checkUpload(upload: StaticSiteUpload, siteFiles: SiteFile[]): void {
  if (!UPLOAD_MODES.includes(upload)) throw new PropError(CONSTRUCT, 'upload', `"${upload}" is not one of ${UPLOAD_MODES.join(', ')}`);
  if (upload === 'sync') {
    const key = unsyncableKey(siteFiles);
    if (key !== undefined)
      throw new PropError(CONSTRUCT, 'upload', `'sync' cannot upload the file ${JSON.stringify(key)} of siteDir (a line break in its name)`);
  }
}

function checkContentSecurityPolicy(props: StaticSiteProps): void {
  const csp = props.contentSecurityPolicy;
  if ((props.securityHeaders ?? true) && isConcrete(csp) && (csp.trim() === '' || /[\r\n]/.test(csp))) {
    throw new PropError(CONSTRUCT, 'contentSecurityPolicy', 'must be a non-empty, single-line policy');
  }
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
    for (const prop of ['certificateArn', 'certificateProvider'] as const) {
      if (props[prop] !== undefined) throw new PropError(CONSTRUCT, prop, 'needs domainName');
    }
    if (redirects.length > 0) throw new PropError(CONSTRUCT, 'redirectDomainNames', 'needs domainName');
    checkDomainAndZone(CONSTRUCT, props);
    return [];
  }
  const names = [props.domainName, ...redirects];
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new PropError(CONSTRUCT, 'redirectDomainNames', `lists "${duplicate}" twice (or repeats domainName)`);
  checkDomainAndZone(CONSTRUCT, props, { names: redirects, prop: 'redirectDomainNames' });
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

/** The log bucket of bucketAccessLogging. */
function checkBucketAccessLogging(props: StaticSiteProps): void {
  const logging = props.bucketAccessLogging;
  if (logging !== undefined) {
    if (typeof logging.bucketName !== 'string' || logging.bucketName === '') {
      throw new PropError(CONSTRUCT, 'bucketAccessLogging', 'needs bucketName: the log bucket');
    }
    if (isConcrete(logging.bucketName) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(logging.bucketName)) {
      throw new PropError(
        CONSTRUCT,
        'bucketAccessLogging',
        `bucketName "${logging.bucketName}" is not an S3 bucket name (3-63 lower-case letters, digits, "." and "-"; not a domain name or ARN)`,
      );
    }
    if (logging.prefix !== undefined && isConcrete(logging.prefix) && (logging.prefix.startsWith('/') || logging.prefix.length > 900)) {
      throw new PropError(CONSTRUCT, 'bucketAccessLogging', `prefix "${logging.prefix}" must be a key prefix such as "s3/" (no leading "/")`);
    }
  }
}
