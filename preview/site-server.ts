import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runInNewContext } from 'node:vm';
import type { Localizer } from './localize';
import type { StackModel } from './stack';

/**
 * The site as CloudFront would serve it, from the synthesized stack: the bucket's objects (files of
 * the site asset, or Terraform-written `content` such as config.json) with their Content-Type and
 * Cache-Control, the viewer-request CloudFront function run as-is, the response headers policy on
 * every response, and the distribution's custom error responses.
 */
export interface SiteOptions {
  readonly stack: StackModel;
  readonly localizer: Localizer;
}

export interface SiteHandler {
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** The response headers policy's headers, localized. */
  readonly headers: Readonly<Record<string, string>>;
  /** The generated config.json, parsed (string values). */
  readonly config: Readonly<Record<string, string>>;
}

interface Body {
  readonly bytes: Buffer;
  readonly contentType: string;
  readonly cacheControl?: string;
}

export function createSiteHandler(options: SiteOptions): SiteHandler {
  const { stack, localizer } = options;
  const site = stack.site;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(site.responseHeaders)) {
    // The CSP keeps `upgrade-insecure-requests`: Chromium treats http://127.0.0.1 as potentially
    // trustworthy and does not upgrade requests to it (the browser tests post over http with it on).
    headers[name] = localizer.localize(value, `the response header ${name}`);
  }

  // Terraform-written objects are resolved once; files are read per request (the asset folder is a snapshot).
  const inline = new Map<string, string>();
  for (const object of site.objects.values()) {
    if (object.content !== undefined) inline.set(object.key, localizer.localize(object.content, `the site object ${object.key}`));
  }

  const viewerRequest = site.viewerRequestFunction
    ? (runInNewContext(`${site.viewerRequestFunction}\n;handler`, {}, { filename: 'viewer-request.js', timeout: 1000 }) as (event: unknown) => unknown)
    : undefined;

  const objectBody = (key: string): Body | undefined => {
    const object = site.objects.get(key);
    if (object === undefined) return undefined;
    // Pages with {{name}} placeholders arrive filled, as Terraform-written objects (StaticSite pageValues).
    const bytes = inline.has(key) ? Buffer.from(inline.get(key)!, 'utf8') : readFileSync(object.sourcePath!);
    const contentType = object.contentType ?? 'binary/octet-stream';
    return { bytes, contentType, cacheControl: object.cacheControl };
  };

  const send = (req: IncomingMessage, res: ServerResponse, status: number, body: Body, extra: Record<string, string> = {}) => {
    const etag = `"${createHash('md5').update(body.bytes).digest('hex')}"`;
    const responseHeaders: Record<string, string> = {
      'Content-Type': body.contentType,
      ...(body.cacheControl ? { 'Cache-Control': body.cacheControl } : {}),
      ETag: etag,
      ...extra,
      ...headers,
    };
    if (status === 200 && req.headers['if-none-match'] === etag) {
      res.writeHead(304, responseHeaders).end();
      return;
    }
    res.writeHead(status, { ...responseHeaders, 'Content-Length': String(body.bytes.length) });
    res.end(req.method === 'HEAD' ? undefined : body.bytes);
  };

  const sendError = (req: IncomingMessage, res: ServerResponse, status: number, message: string) => {
    const custom = site.customErrorResponses.find((e) => e.errorCode === status);
    const page = custom?.responsePagePath ? objectBody(custom.responsePagePath.replace(/^\//, '')) : undefined;
    if (custom && page) {
      send(req, res, custom.responseCode ?? status, page);
      return;
    }
    send(req, res, status, { bytes: Buffer.from(message), contentType: 'text/plain; charset=utf-8' });
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      if (!site.allowedMethods.includes(method)) {
        sendError(req, res, 403, 'This distribution is not configured to allow the HTTP request method that was used for this request.');
        return;
      }
      let uri = url.pathname;
      if (viewerRequest) {
        const result = viewerRequest(viewerEvent(req, uri, url)) as {
          uri?: string;
          statusCode?: number;
          statusDescription?: string;
          headers?: Record<string, { value: string }>;
        };
        if (typeof result?.statusCode === 'number') {
          const fnHeaders = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, v.value]));
          res.writeHead(result.statusCode, { ...fnHeaders, ...headers }).end();
          return;
        }
        uri = result?.uri ?? uri;
      }
      if (uri === '/' && site.defaultRootObject) uri = `/${site.defaultRootObject}`;
      let key: string;
      try {
        key = decodeURIComponent(uri.replace(/^\//, ''));
      } catch {
        sendError(req, res, 400, 'Bad request');
        return;
      }
      const body = objectBody(key);
      if (body === undefined) sendError(req, res, 404, 'Not Found');
      else send(req, res, 200, body);
    } catch (error) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`preview site error: ${(error as Error).message}`);
    }
  };
  return { handle, headers, config: readConfigJson(inline.get('config.json')) };
}

/** The string values of the site's generated config.json (e.g. `contactEndpoint`). */
function readConfigJson(configJson: string | undefined): Record<string, string> {
  if (configJson === undefined) return {};
  try {
    const parsed = JSON.parse(configJson) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

function viewerEvent(req: IncomingMessage, uri: string, url: URL): unknown {
  const headers: Record<string, { value: string }> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers[name] = { value };
  }
  const querystring: Record<string, { value: string }> = {};
  for (const [name, value] of url.searchParams) querystring[name] = { value };
  return {
    version: '1.0',
    context: { eventType: 'viewer-request' },
    viewer: { ip: req.socket.remoteAddress ?? '127.0.0.1' },
    request: { method: req.method ?? 'GET', uri, querystring, headers, cookies: {} },
  };
}
