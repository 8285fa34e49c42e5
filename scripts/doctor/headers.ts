/**
 * Security headers: the response headers policy's headers on the site's `/`, and a Content-Security-Policy
 * that lets the pages reach the API (`connect-src` for the script's fetch, `form-action` for the plain form post).
 */
import type { DoctorContext } from './context';
import { describeError } from './net';
import { fail, pass, skip, type CheckResult } from './report';

const LAYER = 'security headers';
const ONE_YEAR_SECONDS = 31_536_000;

const POLICY_MISSING = {
  cause:
    'the distribution’s default cache behaviour has no response headers policy with this header (securityHeaders turned off, or a policy of your own without it)',
  fix: 'attach a response headers policy with the security headers (StaticSite’s securityHeaders, on by default) and deploy',
};

export async function checkHeaders(ctx: DoctorContext): Promise<CheckResult[]> {
  let headers: Readonly<Record<string, string>>;
  try {
    headers = (await ctx.get(ctx.target.site)).headers;
  } catch (error) {
    return [skip(LAYER, 'the security headers', `the site did not answer (${describeError(error)})`)];
  }
  const results: CheckResult[] = [];
  const present = (name: string, ok: (value: string) => boolean, expected: string) => {
    const value = headers[name.toLowerCase()];
    const check = `${name}${expected ? ` ${expected}` : ''}`;
    if (value !== undefined && ok(value)) results.push(pass(LAYER, check, value));
    else results.push(fail(LAYER, check, value === undefined ? 'missing' : `${value}`, POLICY_MISSING.cause, POLICY_MISSING.fix));
  };
  present('Strict-Transport-Security', (v) => Number(/max-age=(\d+)/i.exec(v)?.[1] ?? 0) >= ONE_YEAR_SECONDS, 'for a year or more');
  present('X-Content-Type-Options', (v) => v.trim().toLowerCase() === 'nosniff', 'nosniff');
  present('X-Frame-Options', (v) => /^(deny|sameorigin)$/i.test(v.trim()), 'DENY or SAMEORIGIN');
  present('Referrer-Policy', () => true, '');
  present('Permissions-Policy', () => true, '');
  const csp = headers['content-security-policy'];
  present('Content-Security-Policy', () => true, '');
  if (csp === undefined) return results;
  if (ctx.api === undefined) {
    results.push(skip(LAYER, 'the CSP allows the API', 'the API’s URL is not known (pass --api)'));
    return results;
  }
  const apiOrigin = ctx.api.origin;
  for (const [directive, what] of [
    [
      'connect-src',
      'the form’s script cannot send the message: the browser blocks its fetch (“Refused to connect … violates the Content Security Policy”) and the form seems broken',
    ],
    ['form-action', 'without JavaScript the form cannot be posted: the browser blocks the form’s action'],
  ] as const) {
    const check = `the CSP’s ${directive} allows ${apiOrigin}`;
    const sources = directiveSources(csp, directive);
    if (sources !== undefined && sources.some((source) => sourceAllows(source, ctx.api!, ctx.target.site))) {
      results.push(pass(LAYER, check, `${directive} ${sources.join(' ')}`));
    } else {
      results.push(
        fail(
          LAYER,
          check,
          sources === undefined ? `no ${directive}${directive === 'connect-src' ? ' (default-src applies)' : ''}` : `${directive} ${sources.join(' ')}`,
          `the CSP does not name the API’s origin: ${what}`,
          'site.addApiOrigin(contactApi.apiOrigin) (the example does; with a contentSecurityPolicy of your own, put the API origin in connect-src and form-action) and deploy',
        ),
      );
    }
  }
  return results;
}

/** The sources of a CSP directive; for fetch directives, default-src stands in when absent. */
export function directiveSources(csp: string, directive: string): string[] | undefined {
  const directives = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  return directives.get(directive) ?? (directive.endsWith('-src') ? directives.get('default-src') : undefined);
}

/** Whether a CSP source expression matches `url` (CSP Level 3 source matching, without nonces and hashes). */
export function sourceAllows(source: string, url: URL, self: URL): boolean {
  const s = source.toLowerCase();
  if (s === "'self'") return url.origin === self.origin;
  if (s === '*') return url.protocol === 'http:' || url.protocol === 'https:';
  if (/^[a-z][a-z0-9+.-]*:$/.test(s)) return url.protocol === s || (s === 'http:' && url.protocol === 'https:');
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([a-z0-9.-]+)(?::(\d+|\*))?(\/.*)?$/.exec(s);
  if (!m) return false;
  const [, scheme, wildcard, host, port, path] = m;
  if (scheme !== undefined && `${scheme}:` !== url.protocol && !(scheme === 'http' && url.protocol === 'https:')) return false;
  const hostname = url.hostname.toLowerCase();
  if (wildcard ? !hostname.endsWith(`.${host}`) : hostname !== host) return false;
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  const urlPort = url.port === '' ? defaultPort : url.port;
  if (port !== '*' && (port ?? defaultPort) !== urlPort) return false;
  if (path !== undefined && path !== '/') return path.endsWith('/') ? url.pathname.startsWith(path) : url.pathname === path;
  return true;
}
