import { MAX_BODY_BYTES } from './fields';

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

export type BodyKind = 'json' | 'text' | 'urlencoded' | 'multipart' | 'empty';

export interface ParsedBody {
  readonly ok: true;
  readonly kind: BodyKind;
  /** Field name -> value; form values are strings, JSON values anything. Repeated form keys: first wins. */
  readonly fields: ReadonlyMap<string, unknown>;
}

export interface BodyProblem {
  readonly ok: false;
  readonly status: 400 | 413 | 415;
  readonly error: string;
  readonly message: string;
  /** Per-field problems found while parsing (file parts in multipart bodies). */
  readonly fields?: readonly { readonly field: string; readonly code: string; readonly message: string }[];
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

export interface MediaType {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

/** Parses `type/subtype; name=value; name="quoted value"`; returns undefined for a malformed value. */
export function parseMediaType(value: string): MediaType | undefined {
  const [typePart = '', ...paramParts] = splitOutsideQuotes(value, ';');
  const type = typePart.trim().toLowerCase();
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(type)) return undefined;
  const params = new Map<string, string>();
  for (const part of paramParts) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let paramValue = part.slice(eq + 1).trim();
    if (paramValue.startsWith('"') && paramValue.endsWith('"') && paramValue.length >= 2) {
      paramValue = paramValue.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    if (!params.has(name)) params.set(name, paramValue);
  }
  return { type, params };
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (char === '\\' && quoted && i + 1 < value.length) {
      current += char + value[++i];
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** Decoded body size in bytes, computed without decoding so oversized bodies are refused cheaply. */
export function bodySizeBytes(request: HttpRequest): number {
  if (!request.isBase64Encoded) return Buffer.byteLength(request.body, 'utf8');
  const length = request.body.replace(/\s/g, '').length;
  const padding = request.body.endsWith('==') ? 2 : request.body.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((length * 3) / 4) - padding);
}

const problem = (status: BodyProblem['status'], error: string, message: string): BodyProblem => ({
  ok: false,
  status,
  error,
  message,
});

/** Body of a request -> its fields. Checks size first, then content type, then syntax. */
export function parseBody(request: HttpRequest): ParsedBody | BodyProblem {
  if (bodySizeBytes(request) > MAX_BODY_BYTES) {
    return problem(413, 'body_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  }
  const contentTypeHeader = request.headers.get('content-type');
  const mediaType = contentTypeHeader === undefined ? undefined : parseMediaType(contentTypeHeader);
  if (request.body === '' && (contentTypeHeader === undefined || isSupported(mediaType?.type))) {
    return { ok: true, kind: 'empty', fields: new Map() };
  }
  if (mediaType === undefined || !isSupported(mediaType.type)) {
    return problem(415, 'unsupported_media_type', `Send ${SUPPORTED_TYPES.join(', ')}.`);
  }
  const charset = mediaType.params.get('charset') ?? 'utf-8';
  if (!isKnownCharset(charset)) return problem(415, 'unsupported_charset', `The charset "${charset}" is not supported.`);

  let bytes: Buffer;
  if (request.isBase64Encoded) {
    if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(request.body)) return problem(400, 'invalid_base64', 'The body is not valid base64.');
    bytes = Buffer.from(request.body, 'base64');
  } else {
    bytes = Buffer.from(request.body, 'utf8');
  }
  // A body that is not base64 reached us as a (Unicode) string already; only bytes need the declared charset.
  const textCharset = request.isBase64Encoded ? charset : 'utf-8';

  switch (mediaType.type) {
    case 'application/json':
    case 'text/plain':
      return parseJson(bytes, textCharset, mediaType.type === 'text/plain' ? 'text' : 'json');
    case 'application/x-www-form-urlencoded':
      return parseUrlEncoded(bytes, textCharset, charset);
    default:
      return parseMultipart(bytes, mediaType.params.get('boundary'));
  }
}

const SUPPORTED_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

function isSupported(type: string | undefined): boolean {
  return type !== undefined && SUPPORTED_TYPES.includes(type);
}

function isKnownCharset(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

function decodeText(bytes: Uint8Array, charset: string): string | undefined {
  try {
    // ignoreBOM: false strips a leading byte order mark.
    return new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function parseJson(bytes: Buffer, charset: string, kind: 'json' | 'text'): ParsedBody | BodyProblem {
  const text = decodeText(bytes, charset);
  if (text === undefined) return problem(400, 'invalid_encoding', `The body is not valid ${charset}.`);
  if (text.trim() === '') return { ok: true, kind, fields: new Map() };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return problem(400, 'malformed_json', 'The body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return problem(400, 'malformed_json', 'The body must be a JSON object.');
  }
  return { ok: true, kind, fields: new Map(Object.entries(value)) };
}

function parseUrlEncoded(bytes: Buffer, textCharset: string, charset: string): ParsedBody | BodyProblem {
  const text = decodeText(bytes, textCharset);
  if (text === undefined) return problem(400, 'invalid_encoding', `The body is not valid ${textCharset}.`);
  const fields = new Map<string, string>();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = percentDecode(eq === -1 ? pair : pair.slice(0, eq), charset);
    const value = percentDecode(eq === -1 ? '' : pair.slice(eq + 1), charset);
    if (name === undefined || value === undefined) {
      return problem(400, 'invalid_encoding', `The body has percent-escapes that are not valid ${charset}.`);
    }
    if (!fields.has(name)) fields.set(name, value);
  }
  return { ok: true, kind: 'urlencoded', fields };
}

/** `+` -> space, then each run of `%XX` escapes decoded as bytes in the charset; a lone `%` stays literal. */
function percentDecode(value: string, charset: string): string | undefined {
  let failed = false;
  const decoded = value.replace(/\+/g, ' ').replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const runBytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < runBytes.length; i++) runBytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    const text = decodeText(runBytes, charset);
    if (text === undefined) failed = true;
    return text ?? '';
  });
  return failed ? undefined : decoded;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

function parseMultipart(bytes: Buffer, boundary: string | undefined): ParsedBody | BodyProblem {
  const malformed = problem(400, 'malformed_multipart', 'The multipart body is malformed.');
  if (boundary === undefined || !/^[ -~]{1,70}$/.test(boundary)) return malformed;
  const delimiter = Buffer.from(`--${boundary}`);
  const fields = new Map<string, string>();
  const fileFields: string[] = [];

  let position = bytes.indexOf(delimiter);
  if (position === -1) return malformed;
  for (;;) {
    position += delimiter.length;
    if (bytes.subarray(position, position + 2).toString('latin1') === '--') break; // closing delimiter
    position = skipLinearWhitespace(bytes, position);
    if (!bytes.subarray(position, position + 2).equals(CRLF)) return malformed;
    const headersStart = position + 2;
    const headersEnd = bytes.indexOf(HEADER_END, headersStart);
    if (headersEnd === -1) return malformed;
    const next = bytes.indexOf(Buffer.concat([CRLF, delimiter]), headersEnd + 4);
    if (next === -1) return malformed;
    const part = readPart(bytes.subarray(headersStart, headersEnd), bytes.subarray(headersEnd + 4, next));
    if (part === undefined) return malformed;
    if (part.isFile) fileFields.push(part.name);
    else if (!fields.has(part.name)) {
      if (part.value === undefined) return problem(400, 'invalid_encoding', `The field "${part.name}" is not valid text.`);
      fields.set(part.name, part.value);
    }
    position = next + 2;
  }
  if (fileFields.length > 0) {
    return {
      ...problem(400, 'file_upload_not_accepted', 'The form accepts text fields only.'),
      fields: [...new Set(fileFields)].map((field) => ({ field, code: 'file_not_accepted', message: 'File uploads are not accepted.' })),
    };
  }
  return { ok: true, kind: 'multipart', fields };
}

function skipLinearWhitespace(bytes: Buffer, position: number): number {
  while (bytes[position] === 0x20 || bytes[position] === 0x09) position++;
  return position;
}

interface MultipartPart {
  readonly name: string;
  readonly isFile: boolean;
  readonly value: string | undefined;
}

function readPart(headerBytes: Buffer, content: Buffer): MultipartPart | undefined {
  let disposition: MediaType | undefined;
  let charset = 'utf-8';
  // Browsers send part headers (and so field names) as raw UTF-8.
  for (const line of headerBytes.toString('utf8').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // "form-data; name=..." parses like a media type once given a pseudo subtype.
    if (name === 'content-disposition') disposition = parseMediaType(value.replace(/^form-data/i, 'form-data/x'));
    if (name === 'content-type') {
      const declared = parseMediaType(value)?.params.get('charset');
      if (declared !== undefined && isKnownCharset(declared)) charset = declared;
    }
  }
  const name = disposition?.type === 'form-data/x' ? disposition.params.get('name') : undefined;
  if (name === undefined) return undefined;
  const isFile = disposition!.params.has('filename') || disposition!.params.has('filename*');
  return { name, isFile, value: isFile ? undefined : decodeText(content, charset) };
}
