import type { FieldError } from './field-error';
import {
  CONTACT_FIELD_NAMES,
  CONTACT_FIELDS,
  HONEYPOT_FIELD,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_PATTERN,
  SUBMISSION_ID_FIELD,
  type ContactFieldName,
  type FieldRule,
} from './fields';

/** Accepted fields, trimmed; optional fields left blank are absent. */
export type Submission = { readonly [name in ContactFieldName]?: string } & {
  readonly first_name: string;
  readonly last_name: string;
  readonly email: string;
};

export type ValidationResult = { readonly ok: true; readonly submission: Submission } | { readonly ok: false; readonly errors: readonly FieldError[] };

/** Fields -> a submission holding only the known fields, or every problem found. Unknown fields are ignored. */
export function validateSubmission(fields: ReadonlyMap<string, unknown>): ValidationResult {
  const errors: FieldError[] = [];
  const accepted: Partial<Record<ContactFieldName, string>> = {};
  for (const name of CONTACT_FIELD_NAMES) {
    const result = validateField(name, CONTACT_FIELDS[name], fields.get(name));
    if (typeof result === 'object') errors.push(result);
    else if (result !== undefined) accepted[name] = result;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, submission: accepted as Submission };
}

function validateField(name: ContactFieldName, rule: FieldRule, raw: unknown): string | FieldError | undefined {
  if (raw !== undefined && raw !== null && typeof raw !== 'string') {
    return { field: name, code: 'not_text', message: 'Must be text.' };
  }
  const value = (raw ?? '').trim();
  if (value === '') return rule.required ? { field: name, code: 'required', message: 'Required.' } : undefined;
  if (hasForbiddenCharacters(value, rule.multiline === true)) {
    return { field: name, code: 'control_characters', message: 'Contains control or invalid characters.' };
  }
  if (codePointLength(value) > rule.maxLength) {
    return { field: name, code: 'too_long', message: `At most ${rule.maxLength} characters.` };
  }
  if (rule.syntax === 'email' && !isEmailAddress(value)) {
    return { field: name, code: 'invalid_email', message: 'Not a valid email address.' };
  }
  if (rule.syntax === 'phone' && !isPhoneNumber(value)) {
    return { field: name, code: 'invalid_phone', message: 'Not a valid phone number.' };
  }
  return value;
}

// eslint-disable-next-line no-control-regex -- the fields may not hold control characters: this finds them
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- the same, line breaks allowed (the message)
const CONTROL_CHARACTERS_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// Unpaired UTF-16 surrogates cannot be stored as UTF-8 (DynamoDB would refuse the item).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function hasForbiddenCharacters(value: string, multiline: boolean): boolean {
  const control = multiline ? CONTROL_CHARACTERS_EXCEPT_LINE_BREAKS : CONTROL_CHARACTERS;
  return control.test(value) || LONE_SURROGATE.test(value);
}

function codePointLength(value: string): number {
  let length = 0;
  for (const _ of value) length++;
  return length;
}

// Dot-atom local part (RFC 5322 atext, plus Unicode letters for internationalised addresses, RFC 6531);
// quoted local parts and IP-literal domains are refused: no real contact form needs them.
const LOCAL_PART = /^[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?$/u;
const TOP_LEVEL_DOMAIN = /^(?:\p{L}[\p{L}\p{M}]+|xn--[a-z0-9-]+)$/iu;

export function isEmailAddress(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (codePointLength(local) > 64 || domain.length > 253 || !LOCAL_PART.test(local)) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label)) && TOP_LEVEL_DOMAIN.test(labels.at(-1)!);
}

const PHONE = /^\+?[\d\s().\-/]+(?:\s*(?:x|ext\.?)\s*\d{1,6})?$/i;

export function isPhoneNumber(value: string): boolean {
  const digits = value.replace(/\D/g, '').length;
  return PHONE.test(value) && digits >= 3 && digits <= 20;
}

/** A honeypot counts as filled when it holds anything but blank text. */
export function isHoneypotFilled(fields: ReadonlyMap<string, unknown>): boolean {
  const value = fields.get(HONEYPOT_FIELD);
  if (value === undefined || value === null) return false;
  return typeof value !== 'string' || value.trim() !== '';
}

export type IdempotencyKeyResult = { readonly ok: true; readonly key: string | undefined } | { readonly ok: false; readonly error: FieldError };

/** The client's idempotency key: the `Idempotency-Key` header, else the body's submission id, else none. */
export function readIdempotencyKey(headers: ReadonlyMap<string, string>, fields: ReadonlyMap<string, unknown>): IdempotencyKeyResult {
  const header = headers.get(IDEMPOTENCY_KEY_HEADER.toLowerCase());
  const [source, raw] = header !== undefined ? [IDEMPOTENCY_KEY_HEADER, header] : [SUBMISSION_ID_FIELD, fields.get(SUBMISSION_ID_FIELD)];
  if (raw === undefined || raw === null || raw === '') return { ok: true, key: undefined };
  const key = typeof raw === 'string' ? raw.trim() : undefined;
  if (key === undefined || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    return { ok: false, error: { field: source, code: 'invalid_key', message: 'Must be 1 to 128 printable ASCII characters without spaces.' } };
  }
  return { ok: true, key };
}
