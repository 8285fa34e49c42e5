/**
 * The CORS allowlist: parsing `ALLOWED_ORIGINS` and deciding per request. Pure (only the global `URL`),
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

/** Normalises one configured origin, or returns undefined when it is not `scheme://host[:port]`. */
export function normaliseOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  // `new URL('https://a.com')` and `new URL('https://a.com/')` both have pathname '/'; anything longer is a path.
  if (url.pathname !== '/' || /^[a-z]+:\/\/[^/]+\/.+/i.test(value)) return undefined;
  return url.origin;
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
