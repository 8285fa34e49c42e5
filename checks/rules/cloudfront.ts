/** CloudFront distribution rules (`aws_cloudfront_distribution`). */
import { fail, pass, Rule, RuleOutcome, sameCheck, show } from '../rule';
import { blocks, JsonObject, ResourceView, StackView } from '../stack-view';

const DISTRIBUTION = ['aws_cloudfront_distribution'];

/** The default and the ordered cache behaviours, each with a name for messages. */
function behaviours(distribution: ResourceView): { name: string; body: JsonObject }[] {
  const out = blocks(distribution.body.default_cache_behavior).map((body) => ({ name: 'default_cache_behavior', body }));
  blocks(distribution.body.ordered_cache_behavior).forEach((body, i) =>
    out.push({ name: `ordered_cache_behavior[${i}] (${String(body.path_pattern ?? '?')})`, body }),
  );
  return out;
}

/** An origin served from an S3 REST endpoint (not an S3 website endpoint, which cannot use OAC). */
function isS3Origin(origin: JsonObject, stack: StackView): boolean {
  const domain = origin.domain_name;
  if (typeof domain !== 'string') return false;
  if (stack.referencedBy(domain).some((r) => r.type === 'aws_s3_bucket') && !domain.includes('website_endpoint')) return true;
  return /\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/.test(domain) && !/s3-website/.test(domain) && blocks(origin.custom_origin_config).length === 0;
}

/** CKV2_AWS_46: every S3 origin is reached through an origin access control (or a legacy identity). */
export const s3OriginAccess: Rule = {
  id: 'CKV2_AWS_46',
  ruleSet: 'checkov',
  title: 'CloudFront reaches S3 origins through origin access control (OAC) with signing "always"',
  resourceTypes: DISTRIBUTION,
  check: (distribution, stack) => {
    const origins = blocks(distribution.body.origin).filter((o) => isS3Origin(o, stack));
    if (origins.length === 0) return undefined;
    const notes: string[] = [];
    for (const origin of origins) {
      const id = String(origin.origin_id ?? '?');
      const oacId = origin.origin_access_control_id;
      if (typeof oacId === 'string' && oacId !== '') {
        const oac = stack.referencedBy(oacId).find((r) => r.type === 'aws_cloudfront_origin_access_control');
        if (oac && (oac.body.signing_behavior !== 'always' || oac.body.origin_access_control_origin_type !== 's3')) {
          return fail(
            `origin "${id}" uses ${oac.address} with signing_behavior ${show(oac.body.signing_behavior)} and origin type ${show(oac.body.origin_access_control_origin_type)}; S3 needs "always" and "s3"`,
          );
        }
        notes.push(`origin "${id}" uses origin_access_control_id${oac ? ` ${oac.address} (s3, always)` : ''}`);
        continue;
      }
      const oai = blocks(origin.s3_origin_config)[0]?.origin_access_identity;
      if (typeof oai === 'string' && oai !== '') {
        notes.push(`origin "${id}" uses a legacy origin access identity (OAC is recommended)`);
        continue;
      }
      return fail(`S3 origin "${id}" has no origin_access_control_id, so the bucket must be public or CloudFront gets 403`);
    }
    return pass(notes.join('; '));
  },
};

/** CKV_AWS_34: viewers are sent to HTTPS on every behaviour. */
export const viewerHttps: Rule = {
  id: 'CKV_AWS_34',
  ruleSet: 'checkov',
  title: 'CloudFront cache behaviours use viewer_protocol_policy https-only or redirect-to-https',
  resourceTypes: DISTRIBUTION,
  check: (distribution) => {
    const all = behaviours(distribution);
    if (all.length === 0) return fail('default_cache_behavior is missing');
    const bad = all.filter((b) => b.body.viewer_protocol_policy !== 'https-only' && b.body.viewer_protocol_policy !== 'redirect-to-https');
    return bad.length === 0
      ? pass(all.map((b) => `${b.name}.viewer_protocol_policy = "${String(b.body.viewer_protocol_policy)}"`).join(', '))
      : fail(bad.map((b) => `${b.name}.viewer_protocol_policy is ${show(b.body.viewer_protocol_policy)}`).join(', '));
  },
};

function minimumTls(distribution: ResourceView): RuleOutcome {
  const certificate = blocks(distribution.body.viewer_certificate)[0];
  if (!certificate) return fail('viewer_certificate is missing');
  if (certificate.cloudfront_default_certificate === true) {
    return fail(
      'viewer_certificate.cloudfront_default_certificate = true: with the *.cloudfront.net certificate CloudFront keeps TLSv1 as the minimum protocol',
    );
  }
  const version = certificate.minimum_protocol_version;
  return typeof version === 'string' && /^TLSv1\.[23]_\d{4}$/.test(version)
    ? pass(`viewer_certificate.minimum_protocol_version = "${version}"`)
    : fail(`viewer_certificate.minimum_protocol_version is ${show(version)}; it must be TLSv1.2_2019, TLSv1.2_2021 or newer`);
}

/** CKV_AWS_174 / AwsSolutions-CFR4: viewers negotiate TLS 1.2 or newer. */
export const viewerTls12: Rule[] = sameCheck(
  [
    { id: 'CKV_AWS_174', ruleSet: 'checkov' },
    { id: 'AwsSolutions-CFR4', ruleSet: 'cdk-nag' },
  ],
  'CloudFront viewer certificate enforces TLS 1.2 or newer (minimum_protocol_version TLSv1.2_*)',
  DISTRIBUTION,
  minimumTls,
);

/** CKV2_AWS_32: a response headers policy (security headers) on every behaviour. */
export const responseHeadersPolicy: Rule = {
  id: 'CKV2_AWS_32',
  ruleSet: 'checkov',
  title: 'CloudFront cache behaviours attach a response headers policy (response_headers_policy_id)',
  resourceTypes: DISTRIBUTION,
  check: (distribution) => {
    const all = behaviours(distribution);
    if (all.length === 0) return fail('default_cache_behavior is missing');
    const missing = all.filter((b) => typeof b.body.response_headers_policy_id !== 'string' || b.body.response_headers_policy_id === '');
    return missing.length === 0
      ? pass(`response_headers_policy_id set on ${all.map((b) => b.name).join(', ')}`)
      : fail(`no response_headers_policy_id on ${missing.map((b) => b.name).join(', ')}`);
  },
};

/** CKV_AWS_305: a default root object, so `/` does not list or error. */
export const defaultRootObject: Rule = {
  id: 'CKV_AWS_305',
  ruleSet: 'checkov',
  title: 'CloudFront distribution has a default_root_object',
  resourceTypes: DISTRIBUTION,
  check: (distribution) => {
    const root = distribution.body.default_root_object;
    return typeof root === 'string' && root !== '' ? pass(`default_root_object = "${root}"`) : fail(`default_root_object is ${show(root)}`);
  },
};

/** CKV_AWS_86 / AwsSolutions-CFR3: standard access logs. */
export const accessLogging: Rule[] = sameCheck(
  [
    { id: 'CKV_AWS_86', ruleSet: 'checkov' },
    { id: 'AwsSolutions-CFR3', ruleSet: 'cdk-nag' },
  ],
  'CloudFront distribution writes access logs (logging_config.bucket)',
  DISTRIBUTION,
  (distribution) => {
    const bucket = distribution.get('logging_config.bucket');
    return typeof bucket === 'string' && bucket !== '' ? pass(`logging_config.bucket = ${show(bucket)}`) : fail('logging_config is not set');
  },
);

/** CKV_AWS_68 / AwsSolutions-CFR2: a WAF web ACL in front of the distribution. */
export const webAcl: Rule[] = sameCheck(
  [
    { id: 'CKV_AWS_68', ruleSet: 'checkov' },
    { id: 'AwsSolutions-CFR2', ruleSet: 'cdk-nag' },
  ],
  'CloudFront distribution is protected by a WAF web ACL (web_acl_id)',
  DISTRIBUTION,
  (distribution) => {
    const acl = distribution.body.web_acl_id;
    return typeof acl === 'string' && acl !== '' ? pass(`web_acl_id = ${show(acl)}`) : fail('web_acl_id is not set');
  },
);

export const cloudfrontRules: Rule[] = [s3OriginAccess, viewerHttps, ...viewerTls12, responseHeadersPolicy, defaultRootObject, ...accessLogging, ...webAcl];
