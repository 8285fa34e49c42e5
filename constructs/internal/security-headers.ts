/**
 * The security headers of a StaticSite: HSTS (sent by the response headers policy, and by the
 * viewer-request function's redirects), the default Content-Security-Policy, and the policy itself.
 */
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { CloudfrontResponseHeadersPolicy } from '@cdktf/provider-aws/lib/cloudfront-response-headers-policy';
import { accountUniqueName } from './names';
import { PropError } from './validate';

/** The HSTS settings, sent by the response headers policy and by the redirects of the viewer-request function. */
export interface Hsts {
  readonly maxAgeSeconds: number;
  readonly includeSubdomains: boolean;
}

/** Two years, the value hstspreload.org asks for. */
const HSTS_MAX_AGE_SECONDS = 63_072_000;

/** The HSTS settings with `securityHeaders` (`undefined` without); validates `hstsIncludeSubdomains`. */
export function checkHsts(props: { securityHeaders?: boolean; hstsIncludeSubdomains?: boolean }): Hsts | undefined {
  const includeSubdomains = props.hstsIncludeSubdomains ?? false;
  if (typeof includeSubdomains !== 'boolean') throw new PropError('StaticSite', 'hstsIncludeSubdomains', 'must be a boolean');
  if (!(props.securityHeaders ?? true)) {
    if (props.hstsIncludeSubdomains !== undefined)
      throw new PropError('StaticSite', 'hstsIncludeSubdomains', 'needs securityHeaders (no HSTS header is sent without it)');
    return undefined;
  }
  return { maxAgeSeconds: HSTS_MAX_AGE_SECONDS, includeSubdomains };
}

/** The header as CloudFront writes it from the policy's settings. */
export function strictTransportSecurityValue(hsts: Hsts): string {
  return `max-age=${hsts.maxAgeSeconds}${hsts.includeSubdomains ? '; includeSubDomains' : ''}`;
}

/** `default-src 'self'`, plus the API origins for `fetch` and plain form posts. */
export function defaultContentSecurityPolicy(apiOrigins: readonly string[]): string {
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

/**
 * HSTS, `X-Content-Type-Options`, `X-Frame-Options`, `Referrer-Policy`, CSP and `Permissions-Policy` on
 * every response. `apiOrigins` is read at synth (it may grow after the construct: addApiOrigin).
 */
export function createSecurityHeadersPolicy(
  scope: Construct,
  options: { hsts: Hsts; contentSecurityPolicy?: string; apiOrigins: readonly string[] },
): CloudfrontResponseHeadersPolicy {
  const csp = options.contentSecurityPolicy ?? Lazy.stringValue({ produce: () => defaultContentSecurityPolicy(options.apiOrigins) });
  return new CloudfrontResponseHeadersPolicy(scope, 'security-headers', {
    name: accountUniqueName(scope, 'security-headers'),
    comment: 'Security headers for the static site',
    securityHeadersConfig: {
      strictTransportSecurity: {
        accessControlMaxAgeSec: options.hsts.maxAgeSeconds,
        includeSubdomains: options.hsts.includeSubdomains,
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
