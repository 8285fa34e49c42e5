import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalFunction } from './lambda';
import type { Localizer } from './localize';
import type { ApiModel, GatewayResponseModel, MethodModel, ResourceModel } from './stack';
import { evaluateVtl } from './vtl';

/**
 * An API Gateway REST API stage, locally, from the synthesized resources: routes under
 * `/<stage>/...` from the resources and methods; `MOCK` integrations answered from their integration
 * and method responses (VTL templates evaluated); `AWS_PROXY` integrations invoking the local function
 * with a REST proxy event; the stage's throttling as a token bucket; and the REST API's gateway
 * responses applied to every error the gateway itself produces (unknown route 403, 413, 429, 502).
 */

/** API Gateway's own payload limit (10 MB). */
export const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface ThrottleLimits {
  /** Requests per second, refilled continuously. */
  readonly rate: number;
  /** Bucket size: the burst served at once. */
  readonly burst: number;
}

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
  readonly requestId: string;
  /** Set when the gateway answered itself (e.g. `THROTTLED`). */
  readonly errorType?: string;
}

export interface ApiGatewayOptions {
  readonly api: ApiModel;
  readonly localizer: Localizer;
  /** Function address -> the running function. */
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** Default: the stage's method settings, or none. `null`: no throttling. */
  readonly throttle?: ThrottleLimits | null;
  /** Default {@link API_GATEWAY_MAX_PAYLOAD_BYTES}. */
  readonly maxPayloadBytes?: number;
  readonly onRequest?: (entry: RequestLogEntry) => void;
}

export interface ApiGatewayHandler {
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Changes the throttle at run time (`null`: none); the bucket starts full. */
  setThrottle(limits: ThrottleLimits | null): void;
  /** While true, AWS_PROXY integrations fail as if the function crashed (502 from the gateway). */
  setIntegrationFailure(failing: boolean): void;
}

/** A token bucket: `burst` tokens, refilled at `rate` per second. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    readonly limits: ThrottleLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limits.burst;
    this.last = now();
  }
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.limits.burst, this.tokens + ((t - this.last) / 1000) * this.limits.rate);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface Route {
  readonly resource: ResourceModel;
  readonly pathParameters: Record<string, string> | null;
}

/** Matches a path (after the stage) against the resources: literal segments first, then `{x}`, then `{x+}`. */
export function matchRoute(resources: readonly ResourceModel[], path: string): Route | undefined {
  const segments = path.split('/').filter(Boolean);
  let best: { route: Route; score: number } | undefined;
  for (const resource of resources) {
    const parts = resource.path.split('/').filter(Boolean);
    const params: Record<string, string> = {};
    let score = 0;
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const part = parts[i]!;
      const greedy = /^\{(.+)\+\}$/.exec(part);
      const variable = /^\{(.+)\}$/.exec(part);
      if (greedy && i === parts.length - 1 && segments.length > i) {
        params[greedy[1]!] = segments.slice(i).map(decodeSegment).join('/');
        score += 1;
        break; // consumes the rest of the path
      } else if (variable && segments[i] !== undefined) {
        params[variable[1]!] = decodeSegment(segments[i]!);
        score += 2;
      } else if (segments[i] === part) {
        score += 3;
      } else {
        ok = false;
      }
    }
    const greedyLast = /\+\}$/.test(parts.at(-1) ?? '');
    if (!ok || (!greedyLast && parts.length !== segments.length)) continue;
    if (!best || score > best.score) {
      best = { route: { resource, pathParameters: Object.keys(params).length > 0 ? params : null }, score };
    }
  }
  if (best) return best.route;
  if (segments.length === 0) return { resource: { path: '/', methods: new Map() }, pathParameters: null };
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

interface GatewayError {
  readonly type: string;
  readonly status: number;
  readonly message: string;
  readonly errorType?: string;
}

const GATEWAY_ERRORS = {
  missingToken: {
    type: 'MISSING_AUTHENTICATION_TOKEN',
    status: 403,
    message: 'Missing Authentication Token',
    errorType: 'MissingAuthenticationTokenException',
  },
  forbidden: { type: 'MISSING_AUTHENTICATION_TOKEN', status: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
  tooLarge: { type: 'REQUEST_TOO_LARGE', status: 413, message: 'Request Too Long', errorType: 'RequestTooLongException' },
  throttled: { type: 'THROTTLED', status: 429, message: 'Too Many Requests', errorType: 'ThrottlingException' },
  integrationFailure: { type: 'DEFAULT_5XX', status: 502, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  unsupported: { type: 'DEFAULT_5XX', status: 500, message: 'Internal server error', errorType: 'InternalServerErrorException' },
} as const satisfies Record<string, GatewayError>;

/** Header name -> values, names as the client sent them (API Gateway preserves their case). */
function rawHeaders(req: IncomingMessage): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const existing = [...headers.keys()].find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    headers.set(existing, [...(headers.get(existing) ?? []), req.rawHeaders[i + 1]!]);
  }
  return headers;
}

function headerValue(headers: Map<string, string[]>, name: string): string | undefined {
  for (const [k, v] of headers) if (k.toLowerCase() === name.toLowerCase()) return v.at(-1);
  return undefined;
}

/** Whether a Content-Type matches the REST API's binary media types (`image/*`, `*\/*` allowed). */
export function isBinary(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return binaryMediaTypes.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === '*/*') return true;
    if (p.endsWith('/*')) return type.startsWith(p.slice(0, -1));
    return p === type;
  });
}

function requestTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

export function createApiGatewayHandler(options: ApiGatewayOptions): ApiGatewayHandler {
  const { api, localizer } = options;
  const maxPayloadBytes = options.maxPayloadBytes ?? API_GATEWAY_MAX_PAYLOAD_BYTES;
  const initialThrottle =
    options.throttle === undefined ? (api.throttle ? { rate: api.throttle.rateLimit, burst: api.throttle.burstLimit } : null) : options.throttle;
  let bucket = initialThrottle ? new TokenBucket(initialThrottle) : undefined;
  let failing = false;
  const localize = (value: string, where: string) => localizer.localize(value, where);

  // Localize every value once, so a reference the preview cannot resolve fails at start, not per request.
  const gatewayResponses = new Map<string, GatewayResponseModel>();
  for (const [type, response] of api.gatewayResponses) {
    gatewayResponses.set(type, {
      ...response,
      responseParameters: Object.fromEntries(
        Object.entries(response.responseParameters).map(([k, v]) => [k, localize(v, `the gateway response ${type} ${k}`)]),
      ),
      responseTemplates: Object.fromEntries(
        Object.entries(response.responseTemplates).map(([k, v]) => [k, localize(v, `the gateway response ${type} template`)]),
      ),
    });
  }
  const resources: ResourceModel[] = api.resources.map((resource) => ({
    path: resource.path,
    methods: new Map(
      [...resource.methods].map(([name, method]): [string, MethodModel] => [
        name,
        {
          ...method,
          integration: method.integration && {
            ...method.integration,
            responses: method.integration.responses.map((r) => ({
              ...r,
              responseParameters: Object.fromEntries(Object.entries(r.responseParameters).map(([k, v]) => [k, localize(v, `${name} ${resource.path} ${k}`)])),
              responseTemplates: Object.fromEntries(
                Object.entries(r.responseTemplates).map(([k, v]) => [k, localize(v, `${name} ${resource.path} response template`)]),
              ),
            })),
          },
        },
      ]),
    ),
  }));

  /** The REST API's gateway response for an error: its own type, else DEFAULT_4XX / DEFAULT_5XX. */
  const sendGatewayError = (res: ServerResponse, headers: Map<string, string[]>, requestId: string, error: GatewayError) => {
    const fallback = error.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
    const response = gatewayResponses.get(error.type) ?? gatewayResponses.get(fallback);
    const status = response?.statusCode ?? error.status;
    const out: Record<string, string> = {
      'Content-Type': 'application/json',
      'x-amzn-RequestId': requestId,
      ...(error.errorType ? { 'x-amzn-ErrorType': error.errorType } : {}),
    };
    for (const [key, value] of Object.entries(response?.responseParameters ?? {})) {
      const name = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1];
      if (name === undefined) continue;
      const resolved = mappingValue(value, headers);
      if (resolved !== undefined) out[name] = resolved;
    }
    const template = response?.responseTemplates['application/json'];
    const body =
      template !== undefined
        ? template
            .replace(/\$context\.error\.messageString/g, JSON.stringify(error.message))
            .replace(/\$context\.error\.message/g, error.message)
            .replace(/\$context\.requestId/g, requestId)
        : JSON.stringify({ message: error.message });
    res.writeHead(status, out).end(body);
    return status;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = rawHeaders(req);
    let errorType: string | undefined;
    const finish = (status: number) => {
      options.onRequest?.({ method, path: url.pathname, status, ms: Math.round(performance.now() - started), requestId, errorType });
    };
    const fail = (error: GatewayError) => {
      errorType = error.type;
      finish(sendGatewayError(res, headers, requestId, error));
    };

    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxPayloadBytes) {
      req.resume();
      fail(GATEWAY_ERRORS.tooLarge);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxPayloadBytes) refused = true;
      else chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (refused) {
        fail(GATEWAY_ERRORS.tooLarge);
        return;
      }
      const body = Buffer.concat(chunks);
      void handle(body).then(finish, (error: unknown) => {
        console.error(`preview gateway: ${(error as Error).stack ?? String(error)}`);
        fail(GATEWAY_ERRORS.unsupported);
      });
    });

    const handle = async (body: Buffer): Promise<number> => {
      const stagePrefix = `/${api.stageName}`;
      if (url.pathname !== stagePrefix && !url.pathname.startsWith(`${stagePrefix}/`)) {
        errorType = GATEWAY_ERRORS.forbidden.type;
        return sendGatewayError(res, headers, requestId, GATEWAY_ERRORS.forbidden);
      }
      const path = url.pathname.slice(stagePrefix.length) || '/';
      const route = matchRoute(resources, path);
      const methodModel = route?.resource.methods.get(method) ?? route?.resource.methods.get('ANY');
      if (route === undefined || methodModel === undefined) {
        errorType = GATEWAY_ERRORS.missingToken.type;
        return sendGatewayError(res, headers, requestId, GATEWAY_ERRORS.missingToken);
      }
      if (bucket !== undefined && !bucket.take()) {
        errorType = GATEWAY_ERRORS.throttled.type;
        return sendGatewayError(res, headers, requestId, GATEWAY_ERRORS.throttled);
      }
      const integration = methodModel.integration;
      if (integration?.type === 'MOCK') return answerMock(res, methodModel, headers, requestId);
      if (integration?.type === 'AWS_PROXY' && integration.functionAddress !== undefined) {
        const fn = options.functions.get(integration.functionAddress);
        if (fn === undefined) throw new Error(`no local function for ${integration.functionAddress}`);
        if (failing) {
          errorType = 'INTEGRATION_FAILURE (simulated)';
          return sendGatewayError(res, headers, requestId, GATEWAY_ERRORS.integrationFailure);
        }
        const event = proxyEvent({ req, url, headers, body, route, stageName: api.stageName, requestId, binaryMediaTypes: api.binaryMediaTypes });
        const outcome = await fn.invoke(event, { awsRequestId: randomUUID() });
        const result = outcome.ok ? readProxyResult(outcome.result) : undefined;
        if (result === undefined) {
          errorType = outcome.ok ? 'malformed Lambda proxy response' : `Lambda ${outcome.kind}: ${outcome.error.split('\n')[0]}`;
          return sendGatewayError(res, headers, requestId, GATEWAY_ERRORS.integrationFailure);
        }
        res.writeHead(result.statusCode, { ...result.headers, 'x-amzn-RequestId': requestId }).end(result.body);
        return result.statusCode;
      }
      throw new Error(`${method} ${route.resource.path}: integration type ${integration?.type ?? '(none)'} is not supported by the preview`);
    };
  };

  return {
    handle,
    setThrottle(limits) {
      bucket = limits ? new TokenBucket(limits) : undefined;
    },
    setIntegrationFailure(value) {
      failing = value;
    },
  };
}

/** A parameter mapping value: `'literal'` or `method.request.header.Name` (undefined when absent). */
function mappingValue(value: string, headers: Map<string, string[]>): string | undefined {
  const literal = /^'(.*)'$/s.exec(value);
  if (literal) return literal[1];
  const header = /^method\.request\.header\.(.+)$/.exec(value);
  if (header) return headerValue(headers, header[1]!);
  return undefined;
}

/** A MOCK integration: the integration response whose selection pattern matches the template's statusCode. */
function answerMock(res: ServerResponse, method: MethodModel, headers: Map<string, string[]>, requestId: string): number {
  const integration = method.integration!;
  const requestTemplate = integration.requestTemplates['application/json'] ?? '{"statusCode": 200}';
  let statusCode = '200';
  try {
    statusCode = String((JSON.parse(requestTemplate) as { statusCode?: unknown }).statusCode ?? 200);
  } catch {
    // A template with VTL in it: API Gateway would evaluate it; the static default is what CorsPreflight writes.
  }
  const selected =
    integration.responses.find(
      (r) => r.selectionPattern !== undefined && r.selectionPattern !== '' && new RegExp(`^${r.selectionPattern}$`).test(statusCode),
    ) ?? integration.responses.find((r) => r.selectionPattern === undefined || r.selectionPattern === '');
  if (selected === undefined) {
    res.writeHead(500, { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId }).end('{"message": "Internal server error"}');
    return 500;
  }
  const declared = method.methodResponses.get(selected.statusCode) ?? [];
  const out: Record<string, string> = { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId };
  for (const [key, value] of Object.entries(selected.responseParameters)) {
    const name = /^method\.response\.header\.(.+)$/.exec(key)?.[1];
    // API Gateway refuses to deploy a mapping to an undeclared header; the preview skips it.
    if (name === undefined || !declared.includes(key)) continue;
    const resolved = mappingValue(value, headers);
    if (resolved !== undefined) out[name] = resolved;
  }
  let body = '';
  const template = selected.responseTemplates['application/json'];
  if (template !== undefined) {
    const vtlHeaders: Record<string, string> = {};
    for (const [name, values] of headers) vtlHeaders[name] = values.at(-1)!;
    const result = evaluateVtl(template, vtlHeaders);
    body = result.body;
    for (const [name, value] of Object.entries(result.headerOverrides)) {
      // Overrides only reach the client for headers the method response declares.
      if (declared.includes(`method.response.header.${name}`)) out[name] = value;
    }
  }
  const status = Number(selected.statusCode);
  res.writeHead(status, out).end(body);
  return status;
}

interface ProxyEventInput {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly headers: Map<string, string[]>;
  readonly body: Buffer;
  readonly route: Route;
  readonly stageName: string;
  readonly requestId: string;
  readonly binaryMediaTypes: readonly string[];
}

/** The REST API (v1) Lambda proxy event, as API Gateway builds it. */
export function proxyEvent(input: ProxyEventInput): Record<string, unknown> {
  const { req, url, headers, body, route } = input;
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, values] of headers) {
    single[name] = values.at(-1)!;
    multi[name] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const binary = isBinary(headerValue(headers, 'content-type'), input.binaryMediaTypes);
  const now = new Date();
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname.slice(input.stageName.length + 1) || '/';
  const host = headerValue(headers, 'host') ?? '127.0.0.1';
  return {
    resource: route.resource.path,
    path,
    httpMethod: method,
    headers: single,
    multiValueHeaders: multi,
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length > 0 ? multiQuery : null,
    pathParameters: route.pathParameters,
    stageVariables: null,
    requestContext: {
      resourceId: 'local',
      resourcePath: route.resource.path,
      httpMethod: method,
      extendedRequestId: input.requestId.replace(/-/g, '').slice(0, 16),
      requestTime: requestTime(now),
      path: url.pathname,
      accountId: '000000000000',
      protocol: `HTTP/${req.httpVersion}`,
      stage: input.stageName,
      domainPrefix: host.split('.')[0],
      requestTimeEpoch: now.getTime(),
      requestId: input.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: headerValue(headers, 'user-agent') ?? null,
        user: null,
      },
      domainName: host,
      apiId: 'local',
    },
    body: body.length === 0 ? null : binary ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: body.length > 0 && binary,
  };
}

/** The function's result as an HTTP response, or undefined when it is not a valid proxy response. */
export function readProxyResult(value: unknown): { statusCode: number; headers: Record<string, string | string[]>; body: Buffer } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const result = value as { statusCode?: unknown; headers?: unknown; multiValueHeaders?: unknown; body?: unknown; isBase64Encoded?: unknown };
  const statusCode = Number(result.statusCode ?? 200);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') return undefined;
  const headers: Record<string, string | string[]> = {};
  for (const [name, v] of Object.entries((result.headers ?? {}) as Record<string, unknown>)) headers[name] = String(v);
  for (const [name, v] of Object.entries((result.multiValueHeaders ?? {}) as Record<string, unknown>)) {
    if (Array.isArray(v)) headers[name] = v.map(String);
  }
  const text = typeof result.body === 'string' ? result.body : '';
  return { statusCode, headers, body: Buffer.from(text, result.isBase64Encoded === true ? 'base64' : 'utf8') };
}
