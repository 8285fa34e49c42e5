import { isIPv4, isIPv6 } from 'node:net';

/**
 * The CORS allowlist: parsing `ALLOWED_ORIGINS` and deciding per request. Pure (only `URL` and node:net),
 * so constructs can validate the same setting at synth time.
 *
 * `ALLOWED_ORIGINS` is a comma-separated list of origins, `scheme://host[:port]` (http or https, no path,
 * query or credentials). Entries are normalised the way browsers serialise an `Origin` header (lower-case,
 * default port dropped). The single entry `*` allows every origin; the response then still echoes the
 * request's origin (never a literal `*`) with `Vary: Origin`. `*` is meant for local previews only.
 */

export interface OriginAllowlist {
  readonly anyOrigin: boolean;
  readonly origins: ReadonlySet<string>;
}

export type AllowlistParseResult =
  | { readonly ok: true; readonly allowlist: OriginAllowlist }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Normalises an origin the way browsers serialise the `Origin` header (scheme and host lower-cased,
 * the scheme's default port dropped, IPv6 compressed), or returns undefined when the value is not
 * exactly `http(s)://host[:port]`: no path, trailing slash, query or credentials. host is a DNS name
 * (ASCII/punycode), `localhost`, an IPv4 address or a bracketed IPv6 address; port is 1..65535.
 * The constructs validate their origin props with this same function.
 */
export function normaliseOrigin(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const m = /^(https?):\/\/(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::([1-9][0-9]{0,4}))?$/i.exec(raw);
  if (!m) return undefined;
  const scheme = m[1].toLowerCase();
  let host: string;
  if (m[2] !== undefined) {
    if (!isIPv6(m[2])) return undefined;
    // The URL parser gives the canonical (compressed, lowercase) form browsers send.
    host = new URL(`${scheme}://[${m[2]}]`).host;
  } else {
    host = m[3].toLowerCase();
    if (!isHost(host)) return undefined;
  }
  let port = '';
  if (m[4] !== undefined) {
    const n = Number(m[4]);
    if (n > 65_535) return undefined;
    const defaultPort = scheme === 'https' ? 443 : 80;
    if (n !== defaultPort) port = `:${n}`;
  }
  return `${scheme}://${host}${port}`;
}

const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function isHost(host: string): boolean {
  if (host.length > 253) return false;
  const labels = host.split('.');
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return false;
  // A host whose last label is numeric is parsed as IPv4 by browsers: it must then be a valid one.
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return isIPv4(host);
  return true;
}

export function parseAllowedOrigins(value: string | undefined): AllowlistParseResult {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) {
    return { ok: false, problems: ['ALLOWED_ORIGINS is not set (expected a comma-separated list of origins)'] };
  }
  if (entries.includes('*')) {
    return entries.length === 1
      ? { ok: true, allowlist: { anyOrigin: true, origins: new Set() } }
      : { ok: false, problems: ['ALLOWED_ORIGINS: "*" must be the only entry'] };
  }
  const problems: string[] = [];
  const origins = new Set<string>();
  for (const entry of entries) {
    const origin = normaliseOrigin(entry);
    if (origin === undefined) problems.push(`ALLOWED_ORIGINS: "${entry}" is not an origin like https://example.com`);
    else origins.add(origin);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, allowlist: { anyOrigin: false, origins } };
}

export function isOriginAllowed(allowlist: OriginAllowlist, origin: string): boolean {
  if (allowlist.anyOrigin) return normaliseOrigin(origin) !== undefined;
  return allowlist.origins.has(origin);
}

/** The CORS headers of every answer: the origin echoed only when allowed, and always `Vary: Origin`. */
export function corsHeaders(allowlist: OriginAllowlist | undefined, origin: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { Vary: 'Origin' };
  if (allowlist !== undefined && origin !== undefined && isOriginAllowed(allowlist, origin)) {
    headers['Access-Control-Allow-Origin'] = origin;
  }
  return headers;
}
