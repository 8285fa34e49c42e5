/** The first step: an API Gateway event -> the request the later steps read. body.ts decodes its body. */

/** The parts of an API Gateway REST proxy event (v1) or HTTP API event (v2) the handler reads. */
export interface ApiGatewayEvent {
  readonly httpMethod?: string | null;
  readonly headers?: Readonly<Record<string, string | undefined | null>> | null;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined | null>> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean | null;
  readonly requestContext?: {
    readonly requestId?: string;
    readonly http?: { readonly method?: string; readonly userAgent?: string };
    readonly identity?: { readonly userAgent?: string | null };
  } | null;
}

export interface HttpRequest {
  readonly method: string;
  /** Header names in lower case; the first value wins. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
  readonly isBase64Encoded: boolean;
}

export function readRequest(event: ApiGatewayEvent | null | undefined): HttpRequest {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(event?.headers ?? {})) {
    if (typeof value === 'string' && !headers.has(name.toLowerCase())) headers.set(name.toLowerCase(), value);
  }
  for (const [name, values] of Object.entries(event?.multiValueHeaders ?? {})) {
    const first = Array.isArray(values) ? values.find((value) => typeof value === 'string') : undefined;
    if (first !== undefined && !headers.has(name.toLowerCase())) headers.set(name.toLowerCase(), first);
  }
  const method = event?.httpMethod ?? event?.requestContext?.http?.method ?? '';
  return {
    method: String(method).toUpperCase(),
    headers,
    body: typeof event?.body === 'string' ? event.body : '',
    isBase64Encoded: event?.isBase64Encoded === true,
  };
}
