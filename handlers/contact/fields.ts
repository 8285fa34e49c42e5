/**
 * The one definition of the contact form: field names, which are required, their limits, the honeypot and
 * the body size limit. Pure data with no imports, so that the browser form (site/contact.js, checked by a test) can hold the same rules.
 */

export interface FieldRule {
  /** Whether a submission without this field (or with it blank) is refused. */
  readonly required: boolean;
  /** Maximum length in Unicode code points, after trimming. */
  readonly maxLength: number;
  /** Extra syntax check beyond "text without control characters". */
  readonly syntax?: 'email' | 'phone';
  /** Whether line breaks and tabs are allowed (a textarea). */
  readonly multiline?: boolean;
}

export const CONTACT_FIELDS = {
  first_name: { required: true, maxLength: 100 },
  last_name: { required: true, maxLength: 100 },
  email: { required: true, maxLength: 254, syntax: 'email' },
  job_title: { required: false, maxLength: 100 },
  phone_number: { required: false, maxLength: 32, syntax: 'phone' },
  company: { required: false, maxLength: 200 },
  message: { required: false, maxLength: 5000, multiline: true },
} as const satisfies Record<string, FieldRule>;

export type ContactFieldName = keyof typeof CONTACT_FIELDS;

export const CONTACT_FIELD_NAMES = Object.keys(CONTACT_FIELDS) as readonly ContactFieldName[];

/**
 * Hidden field that people never fill but naive bots do. A name that browsers' autofill does not target
 * (autofill heuristics match words such as "website", "url" or "nickname").
 */
export const HONEYPOT_FIELD = '_gotcha';

/** Optional body field carrying a client-generated submission id; the `Idempotency-Key` header wins over it. */
export const SUBMISSION_ID_FIELD = 'submission_id';

/** Header carrying the client's idempotency key (matched case-insensitively). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Idempotency keys and submission ids: 1 to 128 printable ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** Largest request body accepted, in bytes after base64 decoding; larger bodies get 413 before parsing. */
export const MAX_BODY_BYTES = 10 * 1024;

/** The stored user agent is cut to this many characters. */
export const MAX_USER_AGENT_LENGTH = 512;

/** Path of the thank-you page, used for the HTML form's 303 when `THANK_YOU_URL` is not set. */
export const DEFAULT_THANK_YOU_PATH = '/thank-you.html';
