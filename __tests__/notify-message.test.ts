/**
 * The notifier's message (handlers/notify/message.ts): whatever a stored submission holds, the subject is printable
 * ASCII of at most 100 characters starting "New message from", and the message is well-formed UTF-8 of at most
 * 256 KB without control characters (but line feeds and tabs): a Publish that SNS accepts. Fuzzed with fast-check.
 */
import fc from 'fast-check';
import { CONTACT_FIELD_NAMES, CONTACT_FIELDS, type ContactFieldName } from '../handlers/contact/fields';
import { toItem } from '../handlers/contact/store';
import type { Submission } from '../handlers/contact/validate';
import { cleanText, cutToBytes, FALLBACK_SUBJECT, formatNotification, MAX_MESSAGE_BYTES, MAX_SUBJECT_LENGTH, subjectFor } from '../handlers/notify/message';
import { readStreamRecord, type StoredSubmission } from '../handlers/notify/records';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);

const ADA: StoredSubmission = {
  id: '3f2b8c1e-9d4a-4e6f-8b7c-1a2b3c4d5e6f',
  fields: {
    first_name: 'Ada',
    last_name: 'Lovelace',
    email: 'ada@example.org',
    phone_number: '+44 20 7946 0958',
    company: 'Analytical Engines Ltd',
    message: 'Hello,\nCould you send me a quote?',
  },
  submittedAt: '2026-11-01T09:30:00.000Z',
};

/** Text of every kind: any UTF-16 code unit (lone surrogates too), astral characters, controls, bidi overrides, CRLF. */
const oddText = (maxLength: number): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
        fc.string({ unit: 'binary', maxLength: 4 }),
        fc.string({ unit: 'grapheme', maxLength: 4 }),
        fc.constantFrom(
          '\r\n',
          '\r',
          '\u2028',
          '\u202e',
          '\u2066',
          '\u0000',
          '\u001b',
          '\u0085',
          '\ufeff',
          '\uffff',
          'é',
          'e\u0301',
          'ß',
          '李',
          '👩‍💻',
          ' ',
          '\t',
        ),
      ),
      { maxLength },
    )
    .map((parts) => parts.join(''));

/** A stored submission with any text in any field, some fields absent, sometimes far over their limits. */
const anySubmission: fc.Arbitrary<StoredSubmission> = fc.record(
  {
    id: oddText(40),
    fields: fc.record(
      Object.fromEntries(CONTACT_FIELD_NAMES.map((name) => [name, oddText(CONTACT_FIELDS[name].maxLength > 1000 ? 400 : 60)])) as Record<
        ContactFieldName,
        fc.Arbitrary<string>
      >,
      { requiredKeys: [] },
    ),
    submittedAt: oddText(30),
    page: oddText(60),
  },
  { requiredKeys: ['fields'] },
);

// Every character SNS or a mail client could choke on: controls but LF and tab, bidi overrides, noncharacters.
// eslint-disable-next-line no-control-regex -- looks for control characters on purpose
const FORBIDDEN_IN_MESSAGE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/;

function expectValidPublish(notification: { subject: string; message: string }): void {
  expect(notification.subject).toMatch(/^New message from [\x20-\x7e]+$/);
  expect(notification.subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
  expect(notification.subject).toBe(notification.subject.trim());
  expect(Buffer.byteLength(notification.message, 'utf8')).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  expect(notification.message).not.toMatch(FORBIDDEN_IN_MESSAGE);
  // Well-formed UTF-16 (no lone surrogate): the SDK's form encoding throws a URIError otherwise.
  expect(() => encodeURIComponent(notification.message)).not.toThrow();
  expect(Buffer.from(notification.message, 'utf8').toString('utf8')).toBe(notification.message);
}

describe('the subject', () => {
  test('New message from <name>, accents dropped, other scripts left out, the fallback when nothing is left', () => {
    expect(formatNotification(ADA).subject).toBe('New message from Ada Lovelace');
    expect(subjectFor('José Álvarez-Núñez')).toBe('New message from Jose Alvarez-Nunez');
    expect(subjectFor('Ｆｕｌｌ ｗｉｄｔｈ')).toBe('New message from Full width');
    expect(subjectFor('李 明')).toBe(FALLBACK_SUBJECT);
    expect(subjectFor('  \t ')).toBe(FALLBACK_SUBJECT);
    expect(subjectFor('Zoë\nBcc: x@example.org')).toBe('New message from Zoe Bcc: x@example.org');
    expect(formatNotification({ fields: { email: 'a@example.org' } }).subject).toBe(FALLBACK_SUBJECT);
  });

  test('a long name is cut to 100 characters, ending in "..."', () => {
    const subject = subjectFor('A'.repeat(100));
    expect(subject).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(subject.endsWith('A...')).toBe(true);
  });

  test('fuzzed: any name gives printable ASCII, at most 100 characters, no line break', () => {
    fc.assert(
      fc.property(oddText(200), (name) => {
        const subject = subjectFor(name);
        expect(subject).toMatch(/^New message from [\x20-\x7e]+$/);
        expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the message', () => {
  test('readable in a mail client: name, email, the other fields, page, time, id, the message and how to reply', () => {
    const { message } = formatNotification(ADA);
    expect(message.split('\n')).toEqual([
      'Ada Lovelace sent a message through the contact form.',
      '',
      'Name:      Ada Lovelace',
      'Email:     ada@example.org',
      'Phone:     +44 20 7946 0958',
      'Company:   Analytical Engines Ltd',
      'Page:      (not recorded)',
      'Time:      2026-11-01T09:30:00.000Z',
      'Id:        3f2b8c1e-9d4a-4e6f-8b7c-1a2b3c4d5e6f',
      '',
      'Message:',
      'Hello,',
      'Could you send me a quote?',
      '',
      '--',
      'How to reply: write to ada@example.org from your own mail program. Replying to this notification goes to AWS, not to the sender.',
      '',
    ]);
  });

  test('absent optional fields are left out; no message and no address are said so', () => {
    const { message } = formatNotification({ id: 'x', fields: { first_name: 'Ada' }, page: 'https://www.example.com/contact' });
    expect(message).not.toContain('Company:');
    expect(message).toContain('Email:     (not recorded)');
    expect(message).toContain('Page:      https://www.example.com/contact');
    expect(message).toContain('Message:\n(no message)\n');
    expect(message).toContain('How to reply: the sender left no email address.');
  });

  test('a 5,000-character message of odd Unicode and control characters is kept whole, cleaned', () => {
    const text = `${'é👩‍💻\u0000\r\n李\u202e'.repeat(625)}`.slice(0, 5000);
    const { message } = formatNotification({ ...ADA, fields: { ...ADA.fields, message: text } });
    expectValidPublish(formatNotification({ ...ADA, fields: { ...ADA.fields, message: text } }));
    expect(message).toContain('é👩‍💻\n李é');
    expect(message).not.toContain('[cut]');
  });

  test('line breaks only in the message; single-line fields get spaces (no forged "Email:" line)', () => {
    const { message } = formatNotification({ ...ADA, fields: { ...ADA.fields, company: 'Acme\nEmail:     evil@example.org', message: 'a\r\nb' } });
    expect(message).toContain('Company:   Acme Email: evil@example.org\n');
    expect(message).toContain('Message:\na\nb\n');
  });

  test('a field over its limit in fields.ts (an item written by something else) is cut and marked', () => {
    const { message } = formatNotification({ ...ADA, fields: { ...ADA.fields, message: 'x'.repeat(300 * 1024) } });
    expect(message).toContain(`${'x'.repeat(CONTACT_FIELDS.message.maxLength)} [cut]`);
    expect(message).not.toContain('x'.repeat(CONTACT_FIELDS.message.maxLength + 1));
  });

  test('fuzzed: any stored submission gives a valid Publish that still names its id', () => {
    fc.assert(
      fc.property(anySubmission, (submission) => {
        const notification = formatNotification(submission);
        expectValidPublish(notification);
        const id = submission.id === undefined ? '' : cleanText(submission.id, false, 2048);
        expect(notification.message).toContain(`Id:        ${id || '(not recorded)'}\n`);
      }),
      { numRuns: RUNS },
    );
  });

  test('fuzzed: every field at its longest, in 4-byte characters, stays far below 256 KB', () => {
    const longest = Object.fromEntries(CONTACT_FIELD_NAMES.map((name) => [name, '😀'.repeat(CONTACT_FIELDS[name].maxLength)]));
    const { message } = formatNotification({ id: 'i', fields: longest, submittedAt: 't' });
    expect(Buffer.byteLength(message)).toBeLessThan(MAX_MESSAGE_BYTES / 8);
  });

  test('cutToBytes cuts at a character boundary, within the budget', () => {
    fc.assert(
      fc.property(oddText(80), fc.integer({ min: 0, max: 200 }), (text, maxBytes) => {
        const cut = cutToBytes(text.replace(/[\ud800-\udfff]/g, 'x'), maxBytes);
        expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(maxBytes);
        expect(() => encodeURIComponent(cut)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the stored item, as contact/store.ts writes it', () => {
  test('toItem -> a stream record -> the same fields, id and time', () => {
    const submission: Submission = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org', message: 'Hi' };
    const item = toItem({ id: 'the-id', submission, submittedAt: '2026-11-01T09:30:00.000Z', userAgent: 'test/1.0' });
    const read = readStreamRecord({ eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: item } });
    expect(read).toEqual({
      kind: 'submission',
      submission: { id: 'the-id', fields: submission, submittedAt: '2026-11-01T09:30:00.000Z', page: undefined },
    });
  });
});
