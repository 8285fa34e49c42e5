/**
 * Origins and the CORS allowlist, one definition for the constructs (their origin props, checked at synth)
 * and the contact handler (`ALLOWED_ORIGINS`, checked per request). Pure: no Node or AWS imports, only `URL`,
 * so it runs at synth, in the Lambda bundle and in a browser alike.
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

export type AllowlistParseResult = { readonly ok: true; readonly allowlist: OriginAllowlist } | { readonly ok: false; readonly problems: readonly string[] };

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
    if (!isIPv6Address(m[2])) return undefined;
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
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return isIPv4Address(host);
  return true;
}

// The expressions of Node's `net.isIPv4`/`net.isIPv6` (lib/internal/net.js), without IPv6 zone ids
// (`%eth0`, never in an origin), so that the check is the same without importing node:net.
const V4_PART = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const V4 = `(?:${V4_PART}\\.){3}${V4_PART}`;
const V6_PART = '(?:[0-9a-fA-F]{1,4})';
const IPV4_ADDRESS = new RegExp(`^${V4}$`);
const IPV6_ADDRESS = new RegExp(
  '^(?:' +
    `(?:${V6_PART}:){7}(?:${V6_PART}|:)|` +
    `(?:${V6_PART}:){6}(?:${V4}|:${V6_PART}|:)|` +
    `(?:${V6_PART}:){5}(?::${V4}|(?::${V6_PART}){1,2}|:)|` +
    `(?:${V6_PART}:){4}(?:(?::${V6_PART}){0,1}:${V4}|(?::${V6_PART}){1,3}|:)|` +
    `(?:${V6_PART}:){3}(?:(?::${V6_PART}){0,2}:${V4}|(?::${V6_PART}){1,4}|:)|` +
    `(?:${V6_PART}:){2}(?:(?::${V6_PART}){0,3}:${V4}|(?::${V6_PART}){1,5}|:)|` +
    `(?:${V6_PART}:){1}(?:(?::${V6_PART}){0,4}:${V4}|(?::${V6_PART}){1,6}|:)|` +
    `(?::(?:(?::${V6_PART}){0,5}:${V4}|(?::${V6_PART}){1,7}|:))` +
    ')$',
);

/** A dotted-decimal IPv4 address (no leading zeros), as `net.isIPv4` decides. */
export function isIPv4Address(value: string): boolean {
  return IPV4_ADDRESS.test(value);
}

/** An IPv6 address without a zone id, as `net.isIPv6` decides. */
export function isIPv6Address(value: string): boolean {
  return IPV6_ADDRESS.test(value);
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
