import { isOriginAllowed, type OriginAllowlist } from '../../shared/origins';
import { isAbsoluteHttpUrl } from './config';
import { ERROR_PAGE_CSP, renderErrorPage } from './error-page';
import type { FieldError } from './field-error';
import { parseMediaType } from './media-type';

/** An API Gateway proxy result (REST v1 and HTTP API v2 share this shape). */
export interface ApiGatewayResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What every answer needs to carry the right CORS headers, and in which form errors are told. */
export interface ResponseContext {
  readonly allowlist: OriginAllowlist | undefined;
  readonly origin: string | undefined;
  readonly requestId: string;
  /** True when a browser posted the form without JavaScript: errors are then an HTML page (error-page.ts). */
  readonly htmlForm?: boolean;
}

/** The CORS headers of every answer: the origin echoed only when allowed, and always `Vary: Origin`. */
export function corsHeaders(allowlist: OriginAllowlist | undefined, origin: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { Vary: 'Origin' };
  if (allowlist !== undefined && origin !== undefined && isOriginAllowed(allowlist, origin)) {
    headers['Access-Control-Allow-Origin'] = origin;
  }
  return headers;
}

/** Seconds a client should wait before retrying when DynamoDB is throttled or unavailable. */
export const RETRY_AFTER_SECONDS = 5;

export function jsonResponse(
  statusCode: number,
  body: Record<string, unknown>,
  context: ResponseContext,
  extraHeaders: Record<string, string> = {},
): ApiGatewayResult {
  return {
    statusCode,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...corsHeaders(context.allowlist, context.origin),
      ...extraHeaders,
    },
    body: JSON.stringify(body),
  };
}

export function errorResponse(
  statusCode: number,
  error: string,
  message: string,
  context: ResponseContext,
  extra: { fields?: readonly FieldError[]; headers?: Record<string, string> } = {},
): ApiGatewayResult {
  if (context.htmlForm === true) {
    return {
      statusCode,
      headers: {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': ERROR_PAGE_CSP,
        'Referrer-Policy': 'no-referrer',
        ...corsHeaders(context.allowlist, context.origin),
        ...extra.headers,
      },
      body: renderErrorPage({ error, message, requestId: context.requestId, fields: extra.fields }),
    };
  }
  const body: Record<string, unknown> = { error, message, requestId: context.requestId };
  if (extra.fields !== undefined) body.fields = extra.fields;
  return jsonResponse(statusCode, body, context, extra.headers);
}

/**
 * Whether the request is a browser's form navigation (a form body type, and an Accept that prefers HTML),
 * which gets a 303 on success and an HTML page on error. A script's fetch asks for JSON and gets JSON.
 */
export function isHtmlFormPost(contentType: string | undefined, accept: string | undefined): boolean {
  const type = contentType === undefined ? undefined : parseMediaType(contentType)?.type;
  return (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') && prefersHtml(accept);
}

/** 201 with the id, or 303 to the thank-you page for a plain HTML form whose Accept prefers HTML. */
export function successResponse(id: string, context: ResponseContext, redirectTo: string | undefined): ApiGatewayResult {
  if (redirectTo !== undefined) {
    return {
      statusCode: 303,
      headers: { Location: redirectTo, 'Cache-Control': 'no-store', ...corsHeaders(context.allowlist, context.origin) },
      body: '',
    };
  }
  return jsonResponse(201, { id }, context);
}

/**
 * Where a no-JavaScript form submission goes: `THANK_YOU_URL` when absolute, else that path on the site the
 * form came from (its Origin, or its Referer's origin), only when that site is an allowed origin.
 */
export function thankYouLocation(thankYouUrl: string, allowlist: OriginAllowlist | undefined, headers: ReadonlyMap<string, string>): string | undefined {
  if (isAbsoluteHttpUrl(thankYouUrl)) return thankYouUrl;
  const site = headers.get('origin') ?? originOf(headers.get('referer'));
  if (site === undefined || allowlist === undefined || !isOriginAllowed(allowlist, site)) return undefined;
  return new URL(thankYouUrl, site).href;
}

function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** Whether an Accept header ranks text/html above application/json (browsers' form navigation does). */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const ranges = accept.split(',').map((range) => {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    return { type, quality: Number.isFinite(quality) ? quality : 0 };
  });
  const qualityOf = (mediaType: string): number => {
    const [major] = mediaType.split('/');
    const match =
      ranges.find((range) => range.type === mediaType) ?? ranges.find((range) => range.type === `${major}/*`) ?? ranges.find((range) => range.type === '*/*');
    return match?.quality ?? 0;
  };
  return qualityOf('text/html') > qualityOf('application/json');
}
