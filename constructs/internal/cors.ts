/**
 * Pure CORS helpers: prop validation, the header values and the VTL template that `CorsPreflight`
 * sends, and the same origin decision as a plain function. One place decides these facts for the
 * constructs; origin normalisation itself is shared with the handler (shared/origins.ts).
 */
import { Token, Tokenization } from 'cdktf';
import { normaliseOrigin } from '../../shared/origins';
import { PropChecks, PropError } from './validate';

/** The HTTP methods a REST API method can be declared for (API Gateway's `ANY` aside). */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type CorsMethod = (typeof CORS_METHODS)[number];

/** Default `allowMethods`: what a form endpoint needs (`OPTIONS` is always added anyway). */
export const DEFAULT_ALLOW_METHODS: readonly string[] = ['POST', 'OPTIONS'];
/** Default `allowHeaders`: JSON bodies and the contact handler's `Idempotency-Key`. */
export const DEFAULT_ALLOW_HEADERS: readonly string[] = ['Content-Type', 'Idempotency-Key'];
/** Default `maxAge`: 10 minutes (Chromium caps at 2 h, Firefox at 24 h). */
export const DEFAULT_MAX_AGE_SECONDS = 600;
/** Largest accepted `maxAge` (Firefox's cap; larger values are ignored by every browser). */
export const MAX_MAX_AGE_SECONDS = 86_400;
/** Default preflight status: 204, no body. */
export const DEFAULT_PREFLIGHT_STATUS = 204;

/** The options that decide CORS header values (a subset of `CorsPreflightProps`). */
export interface CorsOptions {
  readonly allowOrigins: readonly string[];
  readonly allowMethods?: readonly string[];
  readonly allowHeaders?: readonly string[];
  readonly exposeHeaders?: readonly string[];
  readonly maxAge?: number;
  readonly allowCredentials?: boolean;
}

/** Validated and normalised CORS options. */
export interface CorsConfig {
  /** Normalised origins (lowercase, default port dropped, deduplicated), or `['*']`. */
  readonly origins: readonly string[];
  /** True when `origins` is `['*']`. */
  readonly anyOrigin: boolean;
  /** Upper-case, deduplicated, `OPTIONS` included. */
  readonly methods: readonly CorsMethod[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAge: number;
  readonly allowCredentials: boolean;
}

const ORIGIN_SHAPE = 'scheme://host[:port], no path or trailing slash';
// RFC 9110 token characters, minus the single quote (values are wrapped in '...' for API Gateway).
const HEADER_NAME = /^[A-Za-z0-9!#$%&*+.^_`|~-]+$/;

/**
 * Validates and normalises a list of CORS origins: each must be `http(s)://host[:port]` with
 * nothing after it, where host is a DNS name (ASCII/punycode), `localhost`, an IPv4 address or a
 * bracketed IPv6 address and port is 1..65535. Scheme and host are lowercased and the scheme's
 * default port is dropped, because that is how browsers serialise the `Origin` header. `['*']`
 * (any origin) is accepted only alone.
 *
 * @param origins the list to check
 * @param construct and `prop` name the list in errors, e.g. `'CorsPreflight'`, `'allowOrigins'`
 * @returns the normalised, deduplicated list
 * @throws PropError when the list is empty, mixes `*` with origins, or holds a value that is not an origin
 */
export function validateOrigins(origins: readonly string[], construct: string, prop: string): string[] {
  if (!Array.isArray(origins) || origins.length === 0) {
    throw new PropError(construct, prop, 'must not be empty');
  }
  if (origins.includes('*')) {
    if (origins.some((o) => o !== '*')) {
      throw new PropError(construct, prop, '"*" cannot be mixed with specific origins');
    }
    return ['*'];
  }
  const result: string[] = [];
  for (const raw of origins) {
    // A Terraform reference (e.g. a distribution's domain name) is only known at apply time.
    if (Token.isUnresolved(raw)) {
      if (!result.includes(raw)) result.push(raw);
      continue;
    }
    const normalised = normaliseOrigin(raw);
    if (normalised === undefined) {
      throw new PropError(construct, prop, `${JSON.stringify(raw)} is not an origin (${ORIGIN_SHAPE})`);
    }
    if (!result.includes(normalised)) result.push(normalised);
  }
  return result;
}

/**
 * Validates methods against {@link CORS_METHODS} (any case), upper-cases and deduplicates them
 * and appends `OPTIONS` when missing.
 */
export function validateMethods(methods: readonly string[], construct: string, prop: string): CorsMethod[] {
  const result: CorsMethod[] = [];
  for (const raw of methods) {
    const upper = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
    if (!(CORS_METHODS as readonly string[]).includes(upper)) {
      throw new PropError(construct, prop, `has an unknown method ${JSON.stringify(raw)} (expected one of ${CORS_METHODS.join(', ')})`);
    }
    if (!result.includes(upper as CorsMethod)) result.push(upper as CorsMethod);
  }
  if (!result.includes('OPTIONS')) result.push('OPTIONS');
  return result;
}

/** Validates header names (HTTP tokens; `*` only alone), deduplicating case-insensitively. */
export function validateHeaderNames(names: readonly string[], construct: string, prop: string): string[] {
  const result: string[] = [];
  for (const raw of names) {
    if (typeof raw !== 'string' || !HEADER_NAME.test(raw)) {
      throw new PropError(construct, prop, `${JSON.stringify(raw)} is not a header name`);
    }
    if (!result.some((h) => h.toLowerCase() === raw.toLowerCase())) result.push(raw);
  }
  if (result.includes('*') && result.length > 1) {
    throw new PropError(construct, prop, '"*" cannot be mixed with header names');
  }
  return result;
}

/**
 * Validates every CORS option (every problem in one PropError) and returns the normalised configuration.
 *
 * @param construct names the construct in errors, e.g. `'CorsPreflight'`
 */
export function resolveCorsConfig(options: CorsOptions, construct: string): CorsConfig {
  const checks = new PropChecks(construct);
  const origins = checks.check(() => validateOrigins(options.allowOrigins, construct, 'allowOrigins'), [] as string[]);
  const anyOrigin = origins[0] === '*';
  const allowCredentials = options.allowCredentials ?? false;
  checks.check(() => {
    if (typeof allowCredentials !== 'boolean') throw new PropError(construct, 'allowCredentials', 'must be a boolean');
    if (allowCredentials && anyOrigin) {
      throw new PropError(construct, 'allowCredentials', 'cannot be true when allowOrigins is "*" (browsers reject it); list the origins');
    }
  });
  const methods = checks.check(() => validateMethods(options.allowMethods ?? DEFAULT_ALLOW_METHODS, construct, 'allowMethods'), [] as CorsMethod[]);
  const allowHeaders = checks.check(() => validateHeaderNames(options.allowHeaders ?? DEFAULT_ALLOW_HEADERS, construct, 'allowHeaders'), [] as string[]);
  const exposeHeaders = checks.check(() => validateHeaderNames(options.exposeHeaders ?? [], construct, 'exposeHeaders'), [] as string[]);
  checks.check(() => {
    if (allowCredentials === true && (allowHeaders.includes('*') || exposeHeaders.includes('*'))) {
      // With credentials, browsers read "*" as a header literally named "*": never what is meant.
      throw new PropError(construct, 'allowHeaders/exposeHeaders', 'cannot be "*" when allowCredentials is true; list the headers');
    }
  });
  const maxAge = options.maxAge ?? DEFAULT_MAX_AGE_SECONDS;
  checks.check(() => {
    if (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 0 || maxAge > MAX_MAX_AGE_SECONDS) {
      throw new PropError(construct, 'maxAge', `must be an integer number of seconds between 0 and ${MAX_MAX_AGE_SECONDS}, got ${String(maxAge)}`);
    }
  });
  checks.throwIfAny();
  return { origins, anyOrigin, methods, allowHeaders, exposeHeaders, maxAge, allowCredentials };
}

/** Validates a preflight status code: any 2xx (the Fetch standard's "ok status"). */
export function validatePreflightStatus(status: number | undefined, construct: string, prop: string): number {
  const value = status ?? DEFAULT_PREFLIGHT_STATUS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 200 || value > 299) {
    throw new PropError(construct, prop, `must be a 2xx status code (browsers fail any other preflight status), got ${String(value)}`);
  }
  return value;
}

/** True when the response's `Access-Control-Allow-Origin` depends on the request's `Origin`. */
export function variesByOrigin(config: CorsConfig): boolean {
  return !config.anyOrigin && config.origins.length > 1;
}

/**
 * The origin decision as a plain function: the `Access-Control-Allow-Origin` value to send for
 * a request `Origin` (`undefined`: send none). The VTL of {@link corsOriginTemplate} and the
 * static values of {@link preflightHeaders} implement exactly this.
 */
export function allowedOriginFor(config: CorsConfig, requestOrigin: string | undefined): string | undefined {
  if (config.anyOrigin) return '*';
  if (config.origins.length === 1) return config.origins[0];
  return requestOrigin !== undefined && config.origins.includes(requestOrigin) ? requestOrigin : undefined;
}

/**
 * The headers of the preflight response, unquoted, by header name. With several origins
 * `Access-Control-Allow-Origin` is absent: {@link corsOriginTemplate} sets it per request.
 */
export function preflightHeaders(config: CorsConfig): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!variesByOrigin(config)) headers['Access-Control-Allow-Origin'] = config.origins[0];
  headers['Access-Control-Allow-Methods'] = config.methods.join(',');
  if (config.allowHeaders.length > 0) headers['Access-Control-Allow-Headers'] = config.allowHeaders.join(',');
  headers['Access-Control-Max-Age'] = String(config.maxAge);
  if (config.allowCredentials) headers['Access-Control-Allow-Credentials'] = 'true';
  if (variesByOrigin(config)) headers.Vary = 'Origin';
  return headers;
}

/** Every header name the preflight response may carry (the method response must declare each). */
export function preflightHeaderNames(config: CorsConfig): string[] {
  const names = Object.keys(preflightHeaders(config));
  if (variesByOrigin(config)) names.unshift('Access-Control-Allow-Origin');
  return names;
}

/** Quotes a static header value for API Gateway parameter mappings: `x` -> `'x'`. */
export function quoteHeaderValue(value: string): string {
  if (value.includes("'")) throw new Error(`header value ${JSON.stringify(value)} cannot contain a single quote`);
  return `'${value}'`;
}

/**
 * The VTL response template that echoes the request's `Origin` into
 * `Access-Control-Allow-Origin` when it equals ANY listed origin (the first one included) and sets
 * nothing otherwise. It reads `Origin`, then `origin` (HTTP/2 clients send lower-case names), via
 * `$!` quiet references inside strings so that a missing header is `""`, never null (Velocity's
 * `#set` of a null is a no-op). It writes nothing to the body. Origins are compared exactly, not
 * as regular expressions, so `.` in an origin matches only a dot.
 *
 * Needs at least one origin; origins must come from {@link validateOrigins} (no quotes). An origin may hold
 * Terraform references (e.g. `https://${<distribution>.domain_name}`): Terraform fills them in before API
 * Gateway sees the template, so only the literal text around them is checked.
 */
export function corsOriginTemplate(origins: readonly string[]): string {
  if (origins.length === 0 || origins.includes('*')) {
    throw new Error('corsOriginTemplate needs specific origins');
  }
  for (const o of origins) {
    if (literalParts(o).some((part) => /['"$#\\]/.test(part))) throw new Error(`corsOriginTemplate: unsafe origin ${JSON.stringify(o)}`);
  }
  const test = origins.map((o) => `$origin == '${o}'`).join(' || ');
  return [
    `#set($origin = "$!input.params().header.get('Origin')")`,
    `#if($origin == "")#set($origin = "$!input.params().header.get('origin')")#end`,
    `#if(${test})#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)#end`,
  ].join('');
}

/** The literal text of a value, without its Terraform references (`https://${ref}` -> `['https://']`). */
function literalParts(value: string): string[] {
  return Token.isUnresolved(value) ? Tokenization.reverseString(value).literals.map((part) => String(part)) : [value];
}

/**
 * The `response_parameters` of the `DEFAULT_4XX`/`DEFAULT_5XX` gateway responses. Gateway
 * responses cannot run VTL per request: a header is either static or copied from the request.
 * With one origin (or `*`) the value is static. With several origins the request's `Origin` is
 * echoed (with `Vary: Origin`): an unlisted origin can then read API Gateway's own error bodies
 * (`{"message": "Too Many Requests"}` and the like, which carry no data), while sending the first
 * origin instead would turn every error seen by the 2nd..nth origin into an opaque CORS failure,
 * the very problem these responses exist to solve. Successful responses are never affected.
 * `Access-Control-Allow-Methods/-Headers/-Max-Age` only matter on a preflight, which the MOCK
 * method answers, so they are not sent here.
 */
export function gatewayResponseParameters(config: CorsConfig): Record<string, string> {
  const p: Record<string, string> = {};
  const h = (name: string) => `gatewayresponse.header.${name}`;
  p[h('Access-Control-Allow-Origin')] = variesByOrigin(config) ? 'method.request.header.Origin' : quoteHeaderValue(config.origins[0]);
  if (config.allowCredentials) p[h('Access-Control-Allow-Credentials')] = quoteHeaderValue('true');
  if (config.exposeHeaders.length > 0) p[h('Access-Control-Expose-Headers')] = quoteHeaderValue(config.exposeHeaders.join(','));
  if (variesByOrigin(config)) p[h('Vary')] = quoteHeaderValue('Origin');
  return p;
}
