/** multipart/form-data -> its text fields; file parts are refused (the form has none). */
import type { BodyProblem, ParsedBody } from './body';
import { decodeText, isKnownCharset, parseMediaType, type MediaType } from './media-type';

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** Every problem a multipart body can have is a 400. */
const problem = (error: string, message: string): BodyProblem => ({ ok: false, status: 400, error, message });

export function parseMultipart(bytes: Buffer, boundary: string | undefined): ParsedBody | BodyProblem {
  const malformed = problem('malformed_multipart', 'The multipart body is malformed.');
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
      if (part.value === undefined) return problem('invalid_encoding', `The field "${part.name}" is not valid text.`);
      fields.set(part.name, part.value);
    }
    position = next + 2;
  }
  if (fileFields.length > 0) {
    return {
      ...problem('file_upload_not_accepted', 'The form accepts text fields only.'),
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
