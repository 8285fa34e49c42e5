/**
 * The CLI's failures: each carries the exit code it ends with, and AWS errors become one of them with a
 * message that names what to do. Nothing printed carries a credential (`redact`).
 */

/** Exit codes of `npm run submissions`. */
export const EXIT = {
  /** The submissions were written. */
  ok: 0,
  /** Anything unexpected. */
  failed: 1,
  /** A bad command line: unknown option, bad --since, bad --format, ... */
  usage: 2,
  /** No table name from the stack: unknown stack folder, no state, no table output. */
  stack: 3,
  /** The table does not exist, or is not a submissions table (its key is not `id`). */
  table: 4,
  /** No AWS credentials or region, credentials refused, access denied, or DynamoDB unreachable. */
  aws: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class SubmissionsError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'SubmissionsError';
  }
}

export const usageError = (message: string): SubmissionsError => new SubmissionsError(message, EXIT.usage);

const CREDENTIAL_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b/g;

/** `text` without the environment's credentials and without anything shaped like an AWS access key id. */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const name of CREDENTIAL_ENV) {
    const value = env[name];
    // Short values (moto's "test") are no secret and would blank ordinary words.
    if (value !== undefined && value.length >= 12) out = out.split(value).join(`[${name}]`);
  }
  return out.replace(ACCESS_KEY_ID, (key) => `${key.slice(0, 4)}…`);
}

const REFUSED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
  'IncompleteSignature',
  'MissingAuthenticationToken',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The SubmissionsError an error of the AWS SDK (or of the credential chain) stands for. */
export function fromAwsError(error: unknown, context: { tableName: string; region?: string; action: string }): SubmissionsError {
  if (error instanceof SubmissionsError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; code?: unknown; message?: unknown };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = redact(typeof e.message === 'string' ? e.message : String(error));
  const where = `${context.tableName}${context.region ? ` (${context.region})` : ''}`;
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new SubmissionsError(
      'no AWS credentials: the default credential chain found none (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, the instance role); sign in (e.g. aws sso login) and try again',
      EXIT.aws,
    );
  }
  if (/region is missing/i.test(message)) {
    return new SubmissionsError('no AWS region: pass --region, set AWS_REGION, or read the table from the stack (--stack-dir)', EXIT.aws);
  }
  if (REFUSED_CREDENTIALS.has(name)) return new SubmissionsError(`AWS refused the credentials (${name}): ${message}`, EXIT.aws);
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return new SubmissionsError(`access denied to ${context.action} on ${where}: ${message}`, EXIT.aws);
  }
  if (name === 'ResourceNotFoundException') {
    return new SubmissionsError(`no table ${where}: check --table, --region, or deploy the stack`, EXIT.table);
  }
  const code = typeof e.code === 'string' ? e.code : undefined;
  if ((code !== undefined && NETWORK_CODES.has(code)) || /\b(?:ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN)\b/.test(message)) {
    return new SubmissionsError(`cannot reach DynamoDB for ${where}: ${message}`, EXIT.aws);
  }
  return new SubmissionsError(`${context.action} on ${where} failed: ${name}: ${message}`, EXIT.failed);
}
