/**
 * The policy rules a StaticSite does not meet by design, with the reasons, as one table. Each row is
 * recorded next to its resource in the synthesized JSON (see constructs/internal/suppressions.ts),
 * where `checkStack` and the checkov config of `npm run review -- --checkov-config` read them.
 */
import { applySuppressions } from './internal/suppressions';
import type { StaticSite } from './static-site';
import type { StaticSiteProps, StaticSiteSettings } from './static-site-props';

const DEFAULT_CERTIFICATE =
  "No domainName: the site is served on its *.cloudfront.net name with CloudFront's default certificate, for which CloudFront " +
  'fixes the minimum viewer protocol at TLSv1 (minimum_protocol_version only applies to a custom certificate). With domainName the distribution uses TLSv1.2_2021.';
const REBUILT_FROM_SOURCE = 'The bucket holds the build output of siteDir, which every deploy uploads again from source control';

export function suppressStaticSiteRules(site: StaticSite, props: StaticSiteProps, settings: StaticSiteSettings): void {
  const noWaf = props.webAclArn === undefined;
  applySuppressions([
    // --- the site bucket ---
    {
      resource: site.bucket,
      rules: ['CKV_AWS_18', 'AwsSolutions-S1'],
      when: settings.bucketAccessLogging === undefined,
      reason:
        'S3 server access logging is opt-in (bucketAccessLogging): it needs a separate log bucket that this construct does not own. ' +
        'The bucket is private and only CloudFront reads it (OAC, bound to this distribution), so viewer requests are in the CloudFront logs when accessLogging is on.',
    },
    {
      resource: site.bucket,
      rules: ['CKV_AWS_21'],
      reason: `${REBUILT_FROM_SOURCE}: source control is the version history; object versions would keep every deploy's files, billed, for nothing to restore.`,
    },
    {
      resource: site.bucket,
      rules: ['CKV_AWS_144'],
      reason: `${REBUILT_FROM_SOURCE}, so a copy in a second region adds cost and a replication role without a copy worth keeping (see CKV_AWS_310).`,
    },
    {
      resource: site.bucket,
      rules: ['CKV_AWS_145'],
      reason:
        'Encrypted at rest with SSE-S3 (AES256, CKV_AWS_19). The files are public once served; SSE-KMS would add a key policy granting CloudFront decrypt ' +
        '(OAC with KMS) and a KMS request per cache miss, protecting nothing a reader cannot fetch.',
    },
    {
      resource: site.bucket,
      rules: ['CKV2_AWS_62'],
      reason: 'Nothing reacts to changes in the site bucket: only deploys write to it, and they are in the Terraform plan and CloudTrail.',
    },
    // --- the distribution ---
    { resource: site.distribution, rules: ['CKV_AWS_174', 'AwsSolutions-CFR4', 'CKV2_AWS_42'], when: settings.names.length === 0, reason: DEFAULT_CERTIFICATE },
    {
      resource: site.distribution,
      rules: ['CKV_AWS_68', 'AwsSolutions-CFR2'],
      when: noWaf,
      reason:
        'WAF is opt-in (webAclArn): a web ACL costs from $5 a month plus rules and requests, and this distribution serves public, cached static files ' +
        'from a bucket that only CloudFront can read (OAC), over HTTPS with security headers. Pass webAclArn (a CLOUDFRONT-scope web ACL) to attach one.',
    },
    {
      resource: site.distribution,
      rules: ['CKV_AWS_86', 'AwsSolutions-CFR3'],
      when: settings.accessLogging === undefined,
      reason:
        'CloudFront standard logging is opt-in (accessLogging): it writes with ACLs into a separate log bucket (BucketOwnerPreferred, awslogsdelivery grant) ' +
        'that this construct does not own. Pass accessLogging to turn it on.',
    },
    {
      resource: site.distribution,
      rules: ['CKV2_AWS_47'],
      reason: noWaf
        ? 'No web ACL is attached (webAclArn is opt-in, see CKV_AWS_68), so there are no managed rule groups to check.'
        : "The web ACL is passed by ARN (webAclArn) and its rules are its owner's; this stack cannot see them. Include " +
          'AWSManagedRulesKnownBadInputsRuleSet (Log4j) and AWSManagedRulesAnonymousIpList in it.',
    },
    {
      resource: site.distribution,
      rules: ['CKV_AWS_374'],
      reason:
        'A public website is for readers in every country: geo restriction is a business decision (licensing, sanctions), not a security default. ' +
        'Add restrictions.geoRestriction through an override where one applies.',
    },
    {
      resource: site.distribution,
      rules: ['CKV_AWS_310'],
      reason:
        'One origin, an S3 bucket in one region (99.99% availability design), and every file cached at the edge; a failover origin needs a second ' +
        'bucket kept in step (CKV_AWS_144), doubling storage and upload for a site that is rebuilt from source on each deploy.',
    },
    // --- the security headers ---
    {
      resource: site.responseHeadersPolicy,
      rules: ['CKV_AWS_259'],
      reason:
        'HSTS is sent for two years with override, but without preload, and includeSubDomains only with hstsIncludeSubdomains: preload puts the ' +
        "whole registrable domain, every subdomain included, on browsers' built-in HTTPS-only lists, a commitment that takes months to undo and " +
        'that this construct cannot make for the owner of the domain.',
    },
  ]);
}
