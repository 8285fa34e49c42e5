import { CONTACT_FIELDS, type ContactFieldName } from '../contact/fields';
import type { StoredSubmission } from './records';

/**
 * A stored submission -> the notification's subject and message, plain text for a mail client (SNS email
 * subscriptions send the message as the mail's body). Everything the visitor typed is cleaned before it goes in,
 * so that any item, however odd its text, gives a Publish that SNS accepts.
 */

export interface Notification {
  readonly subject: string;
  readonly message: string;
}

/** SNS: a subject is at most 100 printable ASCII characters, without line breaks. */
export const MAX_SUBJECT_LENGTH = 100;
/** SNS: a message is at most 256 KB of UTF-8. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export const SUBJECT_PREFIX = 'New message from ';
/** The subject when the sender's name has nothing printable in ASCII (e.g. a name written only in Chinese). */
export const FALLBACK_SUBJECT = 'New message from the contact form';

/** How each field is labelled in the message (every field of fields.ts: the compiler checks that none is missing). */
const FIELD_LABELS: { readonly [name in ContactFieldName]: string } = {
  first_name: 'First name',
  last_name: 'Last name',
  email: 'Email',
  job_title: 'Job title',
  phone_number: 'Phone',
  company: 'Company',
  message: 'Message',
};

/** Fields the message shows on their own lines, apart from the name, the address and the message. */
const DETAIL_FIELDS = (Object.keys(FIELD_LABELS) as ContactFieldName[]).filter(
  (name) => name !== 'first_name' && name !== 'last_name' && name !== 'email' && name !== 'message',
);

/** Longest id, time or page shown; the fields are cut to their limits in fields.ts. */
const MAX_DETAIL_LENGTH = 2048;
const NOT_RECORDED = '(not recorded)';

export function formatNotification(submission: StoredSubmission): Notification {
  const field = (name: ContactFieldName): string | undefined => cleanField(submission.fields[name], name);
  const name = [field('first_name'), field('last_name')].filter((part) => part !== undefined).join(' ');
  const email = field('email');
  const lines = [
    `${name || 'Someone'} sent a message through the contact form.`,
    '',
    labelled('Name', name || NOT_RECORDED),
    labelled(FIELD_LABELS.email, email ?? NOT_RECORDED),
    ...DETAIL_FIELDS.flatMap((detail) => {
      const value = field(detail);
      return value === undefined ? [] : [labelled(FIELD_LABELS[detail], value)];
    }),
    labelled('Page', cleanDetail(submission.page) ?? NOT_RECORDED),
    labelled('Time', cleanDetail(submission.submittedAt) ?? NOT_RECORDED),
    labelled('Id', cleanDetail(submission.id) ?? NOT_RECORDED),
    '',
    `${FIELD_LABELS.message}:`,
    field('message') ?? '(no message)',
    '',
    '--',
    email === undefined
      ? 'How to reply: the sender left no email address.'
      : `How to reply: write to ${email} from your own mail program. Replying to this notification goes to AWS, not to the sender.`,
    '',
  ];
  return { subject: subjectFor(name), message: cutToBytes(lines.join('\n'), MAX_MESSAGE_BYTES) };
}

/** `New message from <name>` in printable ASCII (accents dropped, other characters left out), at most 100 characters. */
export function subjectFor(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/\s/g, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/ +/g, ' ')
    .trim();
  if (ascii === '') return FALLBACK_SUBJECT;
  const subject = SUBJECT_PREFIX + ascii;
  if (subject.length <= MAX_SUBJECT_LENGTH) return subject;
  return `${subject.slice(0, MAX_SUBJECT_LENGTH - 3).trimEnd()}...`;
}

function labelled(label: string, value: string): string {
  return `${`${label}:`.padEnd(11)}${value}`;
}

// Lone UTF-16 surrogates have no UTF-8 form (the SDK cannot even encode them).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Control characters (but tab and line feed), bidirectional overrides that would reorder the mail's text, and
// the two noncharacters that XML (SNS's Query API answers in XML) does not allow.
// eslint-disable-next-line no-control-regex -- removes control characters on purpose
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g;

/** Visible, well-formed text: line breaks kept (as LF) only where `multiline`, cut to `maxLength` code points. */
export function cleanText(value: string, multiline: boolean, maxLength: number): string {
  let text = value
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(INVISIBLE, '');
  if (!multiline) text = text.replace(/\s+/g, ' ');
  text = text.trim();
  const codePoints = Array.from(text);
  return codePoints.length <= maxLength ? text : `${codePoints.slice(0, maxLength).join('')} [cut]`;
}

function cleanField(value: string | undefined, name: ContactFieldName): string | undefined {
  const rule: { readonly maxLength: number; readonly multiline?: boolean } = CONTACT_FIELDS[name];
  return value === undefined ? undefined : cleanText(value, rule.multiline === true, rule.maxLength) || undefined;
}

function cleanDetail(value: string | undefined): string | undefined {
  return value === undefined ? undefined : cleanText(value, false, MAX_DETAIL_LENGTH) || undefined;
}

/** The text cut at a code point boundary so that its UTF-8 takes at most `maxBytes`. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const codePoint of text) {
    const size = Buffer.byteLength(codePoint, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += codePoint.length;
  }
  return text.slice(0, end);
}
