/**
 * The body decoder: a request's body -> its fields, for the four formats the form may send (JSON,
 * text/plain holding JSON, urlencoded, and multipart/form-data in multipart.ts), or the 4xx problem.
 */
import type { FieldError } from './field-error';
import { MAX_BODY_BYTES } from './fields';
import { decodeText, isKnownCharset, parseMediaType } from './media-type';
import { parseMultipart } from './multipart';
import type { HttpRequest } from './parse';

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
  readonly fields?: readonly FieldError[];
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
