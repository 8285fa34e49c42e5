import { findSecrets, isBinary, shannonEntropy } from '../review/secrets';

/*
 * Every sample credential is assembled at run time from pieces that match no rule on their own, so this
 * file holds no literal that the repository scan (secrets-scan.test.ts) would flag.
 */
const cat = (...parts: string[]): string => parts.join('');

/** Deterministic pseudo-random text over an alphabet (a real-looking secret, never the same as a real one). */
function randomText(length: number, alphabet: string, seed = 7): string {
  let state = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += alphabet[(state >>> 16) % alphabet.length];
  }
  return out;
}
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE64 = `${ALNUM}+/`;

const rules = (text: string): string[] => findSecrets(text, 'sample.txt').map((f) => f.rule);

describe('AWS access key ids', () => {
  const id = cat('AK', 'IA', randomText(16, UPPER_ALNUM));
  const temporary = cat('AS', 'IA', randomText(16, UPPER_ALNUM, 11));

  it('fire on long-term (AKIA) and temporary (ASIA) key ids, wherever they stand', () => {
    expect(rules(`aws_access_key_id = ${id}`)).toEqual(['aws-access-key-id']);
    expect(rules(`{"AccessKeyId":"${temporary}"}`)).toEqual(['aws-access-key-id']);
    expect(rules(`export AWS_ACCESS_KEY_ID=${id}\n`)).toEqual(['aws-access-key-id']);
  });

  it("do not fire on AWS's documentation example, a shorter id or a longer token", () => {
    expect(rules(cat('AK', 'IA', 'IOSFODNN7', 'EXAMPLE'))).toEqual([]);
    expect(rules(id.slice(0, 19))).toEqual([]);
    expect(rules(`${id}X`)).toEqual([]);
    expect(rules(id.toLowerCase())).toEqual([]);
  });
});

describe('AWS secret access keys', () => {
  const secret = randomText(40, BASE64, 3);

  it('fire on a 40-character key assigned to a secret-key name (ini, env, JSON, YAML, code)', () => {
    expect(rules(cat('aws_secret', '_access_key = ', secret))).toEqual(['aws-secret-access-key']);
    expect(rules(cat('AWS_SECRET', '_ACCESS_KEY=', secret))).toEqual(['aws-secret-access-key']);
    expect(rules(cat('{"SecretAccess', 'Key": "', secret, '"}'))).toContain('aws-secret-access-key');
    expect(rules(cat('secretAccess', "Key: '", secret, "'"))).toContain('aws-secret-access-key');
  });

  it('do not fire on fake values, low-entropy fillers or the documentation example', () => {
    // handlers/local-dynamodb.ts and the dynalite tests use values like these.
    for (const fake of ['local', 'fake', 'test', 'x'.repeat(40)]) {
      expect(rules(cat('secretAccess', "Key: '", fake, "'"))).toEqual([]);
    }
    expect(rules(cat('aws_secret', '_access_key = ', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY', 'EXAMPLEKEY'))).toEqual([]);
    expect(rules(`secretAccessKey: credentials.secretAccessKey`)).toEqual([]);
  });
});

describe('private keys', () => {
  const body = randomText(64, BASE64, 5);
  const header = (kind: string): string => cat('-----BEGIN ', kind, 'PRIVATE', ' KEY-----');

  it('fire on a PEM private key of any kind, also JSON-escaped', () => {
    expect(rules(`${header('RSA ')}\n${body}\n-----END`)).toEqual(['private-key']);
    expect(rules(`${header('')}\r\n${body}`)).toEqual(['private-key']);
    expect(rules(`${header('OPENSSH ')}\n${body}`)).toEqual(['private-key']);
    expect(rules(`{"key":"${header('EC ')}\\n${body}\\n"}`)).toEqual(['private-key']);
    expect(rules(`${header('ENCRYPTED ')}\nProc-Type: 4,ENCRYPTED\n${body}`)).toEqual(['private-key']);
  });

  it('do not fire on a bare header (as in PEM parsing code), public keys or certificates', () => {
    expect(rules(`if (line === '${header('')}') {`)).toEqual([]);
    expect(rules(`-----BEGIN PUBLIC KEY-----\n${body}`)).toEqual([]);
    expect(rules(`-----BEGIN CERTIFICATE-----\n${body}`)).toEqual([]);
  });
});

describe('GitHub, Slack and npm tokens, JWTs', () => {
  it('fire on GitHub personal, OAuth and fine-grained tokens', () => {
    expect(rules(cat('token: gh', 'p_', randomText(36, ALNUM)))).toContain('github-token');
    expect(rules(cat('gh', 'o_', randomText(36, ALNUM, 9)))).toEqual(['github-token']);
    expect(rules(cat('github', '_pat_', randomText(22, ALNUM), '_', randomText(59, ALNUM, 4)))).toEqual(['github-token']);
  });

  it('do not fire on short or prose look-alikes', () => {
    expect(rules(cat('gh', 'p_', 'abc123'))).toEqual([]);
    expect(rules('Create a github_pat_ token in the settings')).toEqual([]);
  });

  it('fire on Slack bot, user and app tokens; not on the prefix alone', () => {
    expect(rules(cat('xo', 'xb-', '2468013579', '-', '1357924680', '-', randomText(24, ALNUM)))).toEqual(['slack-token']);
    expect(rules(cat('xo', 'xp-', '1234567890', '-', '0987654321', '-', randomText(32, ALNUM, 2)))).toEqual(['slack-token']);
    expect(rules(cat('Slack tokens start with xo', 'xb- or xo', 'xp-'))).toEqual([]);
  });

  it('fire on a JWT; not on base64 JSON that is not one', () => {
    const b64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const jwt = [b64url({ alg: 'HS256', typ: 'JWT' }), b64url({ sub: 'user-42', iat: 1700000000 }), randomText(43, `${ALNUM}-_`)].join('.');
    expect(rules(`Authorization: Bearer ${jwt}`)).toEqual(['jwt']);
    expect(rules(b64url({ alg: 'HS256' }))).toEqual([]);
  });

  it('fire on npm automation tokens and literal .npmrc auth tokens; not on an environment reference', () => {
    expect(rules(cat('np', 'm_', randomText(36, ALNUM)))).toEqual(['npm-token']);
    expect(rules(cat('//registry.npmjs.org/:_auth', 'Token=', randomText(36, ALNUM, 8)))).toContain('npm-token');
    expect(rules(cat('//registry.npmjs.org/:_auth', 'Token=${NPM_TOKEN}'))).toEqual([]);
  });
});

describe('generic password / secret / token assignments', () => {
  const strong = cat(randomText(10, ALNUM, 13), '#', randomText(8, ALNUM, 17), '!');

  it('fire on a high-entropy value assigned to a secret-like name, in any syntax', () => {
    expect(rules(cat('password', ' = "', strong, '"'))).toEqual(['generic-secret']);
    expect(rules(cat('{"db', 'Password": "', strong, '"}'))).toEqual(['generic-secret']);
    expect(rules(cat('api_', "key: '", strong, "'"))).toEqual(['generic-secret']);
    expect(rules(cat('client_sec', 'ret="', strong, '"'))).toEqual(['generic-secret']);
    expect(rules(cat('AUTH_TO', 'KEN: "', strong, '"'))).toEqual(['generic-secret']);
  });

  it('do not fire on short, fake, placeholder or reference values', () => {
    for (const value of [
      'test',
      'fake',
      'local',
      'hunter2',
      'changeme-please-now',
      '${var.db_password}',
      '<your-password-here>',
      '{{ secrets.TOKEN }}',
      '********************',
    ]) {
      expect(rules(cat('password', ' = "', value, '"'))).toEqual([]);
    }
    expect(rules(cat('password', ": process.env.DB_PASSWORD ?? ''"))).toEqual([]);
  });

  it('do not fire on a form label, an input type, dependency names or lock-file integrity hashes', () => {
    expect(rules('<label for="password">Password</label><input type="password" name="password">')).toEqual([]);
    expect(rules('"js-tokens": "^4.0.0",\n"@smithy/token-providers": "3.972.0",')).toEqual([]);
    const integrity = `sha512-${randomText(86, BASE64, 21)}==`;
    expect(rules(`"resolved": "https://registry.npmjs.org/js-tokens/-/js-tokens-4.0.0.tgz",\n"integrity": "${integrity}",`)).toEqual([]);
    expect(rules('const tokenType = "AccessTokenExpired"; const secretName = "contact-site-db-credentials"')).toEqual([]);
  });
});

describe('findings', () => {
  const id = cat('AK', 'IA', randomText(16, UPPER_ALNUM, 19));

  it('carry file, 1-based line and column, a redacted excerpt and a stable fingerprint, never the secret', () => {
    const [finding, ...rest] = findSecrets(`first line\n  key = ${id}\n`, 'config/.env');
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'aws-access-key-id', fileName: 'config/.env', line: 2, column: 9, redacted: 'AKIA… (20 chars)' });
    expect(finding!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(finding)).not.toContain(id);
    expect(findSecrets(id, 'other')[0]!.fingerprint).toBe(finding!.fingerprint);
  });

  it('are empty for empty text', () => {
    expect(findSecrets('', 'empty')).toEqual([]);
  });
});

test('helpers: entropy and binary detection', () => {
  expect(shannonEntropy('')).toBe(0);
  expect(shannonEntropy('aaaa')).toBe(0);
  expect(shannonEntropy('abcd')).toBe(2);
  expect(isBinary(Buffer.from('plain text\n'))).toBe(false);
  expect(isBinary(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toBe(true);
});
