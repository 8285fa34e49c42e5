/**
 * site/contact.js validates in the browser with a copy of the server's rules (the site is static,
 * without a bundler). These tests fail when the copy drifts from handlers/contact/fields.ts and
 * validate.ts, or from the form's HTML attributes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import * as fc from 'fast-check';
import { CONTACT_FIELD_NAMES, CONTACT_FIELDS, HONEYPOT_FIELD } from '../handlers/contact/fields';
import { validateSubmission } from '../handlers/contact/validate';

interface ClientRules {
  FIELDS: Record<string, unknown>;
  HONEYPOT_FIELD: string;
  validate(values: Record<string, string>): Array<{ field: string; code: string; message: string }>;
}

const SITE = join(__dirname, '..', 'site');

function loadRules(): ClientRules {
  const source = readFileSync(join(SITE, 'contact.js'), 'utf8');
  // Outside a browser the script defines the rules and returns before touching the DOM.
  const context: { ContactFormRules?: ClientRules } = {};
  runInNewContext(`${source}\n;this.ContactFormRules = ContactFormRules;`, context);
  if (!context.ContactFormRules) throw new Error('contact.js defines no ContactFormRules');
  return context.ContactFormRules;
}

const rules = loadRules();

function serverErrors(values: Record<string, string>) {
  const result = validateSubmission(new Map(Object.entries(values)));
  return result.ok ? [] : result.errors.map(({ field, code, message }) => ({ field, code, message }));
}

test('the client rules are the server rules: fields, required, max lengths, syntax, multiline, honeypot', () => {
  expect(JSON.parse(JSON.stringify(rules.FIELDS))).toEqual(CONTACT_FIELDS);
  expect(Object.keys(rules.FIELDS)).toEqual([...CONTACT_FIELD_NAMES]);
  expect(rules.HONEYPOT_FIELD).toBe(HONEYPOT_FIELD);
});

test('the form HTML declares the same fields, required flags and maxlength, and the honeypot', () => {
  const html = readFileSync(join(SITE, 'contact.html'), 'utf8');
  const controls = [...html.matchAll(/<(input|textarea)\b([^>]*)>/g)].map((m) => m[2]!);
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}(?:="([^"]*)")?`).exec(tag);
  const byName = new Map(controls.map((tag) => [attr(tag, 'name')?.[1], tag]));
  expect([...byName.keys()].sort()).toEqual([...CONTACT_FIELD_NAMES, HONEYPOT_FIELD].sort());
  for (const name of CONTACT_FIELD_NAMES) {
    const tag = byName.get(name)!;
    const rule = CONTACT_FIELDS[name];
    expect({ name, maxlength: Number(attr(tag, 'maxlength')?.[1]), required: / required\b/.test(tag) }).toEqual({
      name,
      maxlength: rule.maxLength,
      required: rule.required,
    });
    // Each field has a label and an error slot that contact.js fills.
    expect(html).toContain(`<label for="${name}">`);
    expect(html).toContain(`id="${name}-error"`);
  }
  expect(attr(byName.get('email')!, 'type')?.[1]).toBe('email');
  expect(html).toMatch(/role="status"[^>]*aria-live="polite"/);
  expect(html).toMatch(/role="alert"/);
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script: the CSP is script-src 'self'
});

const fieldValue = fc.oneof(
  fc.constant(''),
  fc.constant('   '),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.emailAddress(),
  fc.string({ unit: fc.constantFrom('a', 'é', '@', '.', '-', '+', ' ', '1', '(', ')', 'x', '\n', '\t', '\u0000', '\ud800', 'ß', '😀'), maxLength: 40 }),
  fc.integer({ min: 0, max: 6000 }).map((n) => 'x'.repeat(n)),
  fc.tuple(fc.string({ maxLength: 8 }), fc.domain()).map(([local, domain]) => `${local}@${domain}`),
  fc.stringMatching(/^\+?[0-9 ().-]{0,24}( ?ext\.? ?[0-9]{1,7})?$/),
);

test('the client finds exactly the errors the server finds (codes and messages), for random submissions', () => {
  fc.assert(
    fc.property(fc.record(Object.fromEntries(CONTACT_FIELD_NAMES.map((name) => [name, fieldValue])), { requiredKeys: [] }), (values) => {
      const record = values as Record<string, string>;
      expect(rules.validate(record)).toEqual(serverErrors(record));
    }),
    { numRuns: 2000 },
  );
});

test('examples: the client refuses what the server refuses, and accepts what it accepts', () => {
  const valid = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' };
  expect(rules.validate(valid)).toEqual([]);
  expect(serverErrors(valid)).toEqual([]);
  for (const [field, value, code] of [
    ['email', 'ada@example', 'invalid_email'],
    ['email', 'ada@exämple.com', undefined],
    ['phone_number', 'call me', 'invalid_phone'],
    ['phone_number', '+44 (20) 7946-0958 ext. 12', undefined],
    ['first_name', 'x'.repeat(101), 'too_long'],
    ['first_name', '😀'.repeat(100), undefined],
    ['message', 'two\nlines', undefined],
    ['company', 'tab\there', 'control_characters'],
  ] as const) {
    const values = { ...valid, [field]: value };
    const expected = code === undefined ? [] : [expect.objectContaining({ field, code })];
    expect(rules.validate(values)).toEqual(expected);
    expect(serverErrors(values)).toEqual(expected);
  }
});
