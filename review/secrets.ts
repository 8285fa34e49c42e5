/**
 * A small, pure credential detector for the repository's tracked files and the synthesized output.
 *
 * Each rule is a regular expression for one kind of credential plus, where the shape alone is not
 * enough, a check of the value (entropy, placeholders, AWS's documented example keys). It errs towards
 * firing on real-looking values and staying quiet on obvious fakes (`test`, `local`, `fake`, `${var.x}`).
 * Findings carry a redacted excerpt only, never the whole value.
 */
import { createHash } from 'node:crypto';

export type SecretRule =
  'aws-access-key-id' | 'aws-secret-access-key' | 'private-key' | 'github-token' | 'slack-token' | 'jwt' | 'npm-token' | 'generic-secret';

export interface SecretFinding {
  readonly rule: SecretRule;
  readonly fileName: string;
  /** 1-based line and column of the match. */
  readonly line: number;
  readonly column: number;
  /** The first 4 characters of the secret and its length, e.g. `AKIA… (20 chars)`. */
  readonly redacted: string;
  /** sha256 of the secret, first 16 hex digits: stable id for an allowlist that does not hold the secret. */
  readonly fingerprint: string;
}

interface Rule {
  readonly id: SecretRule;
  readonly pattern: RegExp;
  /** Index of the capture group holding the secret itself (default 0: the whole match). */
  readonly group?: number;
  /** Extra check on the captured secret; false = a look-alike, not reported. */
  readonly accept?: (secret: string, match: RegExpExecArray) => boolean;
}

/** AWS's documentation example credentials end in EXAMPLE / EXAMPLEKEY; they are published, not secrets. */
const AWS_DOCUMENTATION_EXAMPLE = /EXAMPLE/;

/** Names under which a generic secret is assigned (`password = "..."`, `"apiToken": "..."`). */
const SECRET_NAME = String.raw`[A-Za-z0-9_.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|auth[_-]?key|credential)[A-Za-z0-9_.-]*`;

const RULES: readonly Rule[] = [
  {
    id: 'aws-access-key-id',
    pattern: /(?<![A-Z0-9])((?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Z0-9])/g,
    group: 1,
    accept: (secret) => !AWS_DOCUMENTATION_EXAMPLE.test(secret),
  },
  {
    id: 'aws-secret-access-key',
    pattern: /(?:aws_?secret_?access_?key|secret_?access_?key|aws_?secret_?key|secret_?key)["']?\s*(?:[:=]|=>)\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    group: 1,
    accept: (secret) => !AWS_DOCUMENTATION_EXAMPLE.test(secret) && shannonEntropy(secret) >= 3.5,
  },
  {
    // A PEM header followed by key material (a bare header, as in a PEM parser's source, is no key).
    id: 'private-key',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY(?: BLOCK)?-----(?:\r?\n|(?:\\r)?\\n)(?:[A-Za-z0-9-]+: [^\n]*(?:\r?\n|(?:\\r)?\\n))*[A-Za-z0-9+/=]{40,}/g,
  },
  {
    id: 'github-token',
    pattern: /(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{50,255})(?![A-Za-z0-9_])/g,
    group: 1,
  },
  {
    id: 'slack-token',
    pattern: /(?<![A-Za-z0-9])(xox[baprs]-[A-Za-z0-9]{6,}(?:-[A-Za-z0-9]+)+)/g,
    group: 1,
    accept: (secret) => secret.length >= 20,
  },
  {
    id: 'jwt',
    pattern: /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})/g,
    group: 1,
  },
  {
    id: 'npm-token',
    pattern: /(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
    group: 1,
  },
  {
    id: 'npm-token',
    pattern: /:_authToken\s*=\s*([^\s$"'][^\s"']{15,})/g,
    group: 1,
    accept: (secret) => !isPlaceholder(secret),
  },
  {
    id: 'generic-secret',
    pattern: new RegExp(String.raw`(${SECRET_NAME})["']?\s*(?:[:=]|=>|:=)\s*(["'\x60])([^"'\x60\s]{12,200})\2`, 'gi'),
    group: 3,
    accept: (secret, match) =>
      !/(?:^|[_.-])(?:min|max)|length|type|name|url|uri|path|file|endpoint|header|field|label|id$/i.test(match[1]!) && looksRandom(secret),
  },
];

/** Every credential-like value in `text`, with its position; `fileName` only labels the findings. */
export function findSecrets(text: string, fileName: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const lineStarts = lineStartOffsets(text);
  for (const rule of RULES) {
    const pattern = new RegExp(rule.pattern.source, rule.pattern.flags);
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (match[0].length === 0) pattern.lastIndex++;
      const secret = match[rule.group ?? 0] ?? '';
      if (rule.accept && !rule.accept(secret, match)) continue;
      const offset = match.index + match[0].indexOf(secret);
      const line = lineOf(lineStarts, offset);
      findings.push({
        rule: rule.id,
        fileName,
        line: line + 1,
        column: offset - lineStarts[line]! + 1,
        redacted: `${secret.slice(0, 4)}… (${secret.length} chars)`,
        fingerprint: createHash('sha256').update(secret).digest('hex').slice(0, 16),
      });
    }
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** True for a buffer that is not text (a NUL byte in its first 8000 bytes, as git decides). */
export function isBinary(content: Uint8Array): boolean {
  const end = Math.min(content.length, 8000);
  for (let i = 0; i < end; i++) if (content[i] === 0) return true;
  return false;
}

/**
 * A value that could be a real secret: long enough, at least three of lower/upper/digit/symbol, high
 * entropy, and not a placeholder, a reference, a path or a version.
 */
function looksRandom(value: string): boolean {
  if (isPlaceholder(value)) return false;
  if (/^[a-z]+(?:[-_.][a-z]+)*$/i.test(value)) return false; // words: "contact-handler", "AllowedOrigins"
  if (/^[\w.-]*\/[\w./-]*$/.test(value) && !/[A-Z].*[0-9]|[0-9].*[A-Z]/.test(value)) return false; // paths
  if (/^\^?~?\d+(?:\.\d+)+/.test(value)) return false; // versions
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  return classes >= 3 && shannonEntropy(value) >= 3.5;
}

function isPlaceholder(value: string): boolean {
  return (
    /\$\{|\{\{|process\.env|^<.*>$|^%.*%$|^\*+$/.test(value) ||
    /example|changeme|placeholder|dummy|redacted|your[_-]?|xxxx|\.\.\.|fake|sample|test/i.test(value) ||
    /^(.)\1+$/.test(value)
  );
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}
