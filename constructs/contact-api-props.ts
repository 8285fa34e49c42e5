/**
 * ContactApi's props, their defaults, and {@link resolveContactApiProps}, which checks them all and
 * turns them into the settings the construct is built from.
 */
import { LAMBDA_RUNTIME } from '../handlers/bundle';
import { validateOrigins } from './internal/cors';
import { checkDomainAndZone, checkWebAclArn, isConcrete, PropChecks, PropError } from './internal/validate';

/** Lambda runtimes the bundled handler is built and tested for. */
export const CONTACT_API_RUNTIMES = ['nodejs22.x', 'nodejs24.x'] as const;
export type ContactApiRuntime = (typeof CONTACT_API_RUNTIMES)[number];

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Who hears of each new message (ContactApi's `notify`). */
export interface ContactNotify {
  /**
   * Addresses to email each new message to: the construct makes an SNS topic (encrypted with its own KMS key)
   * with one email subscription each. AWS sends every address a confirmation link first; nothing is
   * delivered to an address until it is confirmed.
   * @default none (then `topicArn` is required)
   */
  readonly emails?: string[];
  /**
   * An existing standard SNS topic to publish each new message to instead (e.g. one wired to chat or a ticket
   * system); no topic is made. With a KMS-encrypted topic, its key policy must let the notifier's role use it.
   * @default none (then `emails` is required)
   */
  readonly topicArn?: string;
  /**
   * The topic the alarms (notifications kept failing; the notifier erred) publish to. Its policy must let
   * CloudWatch publish.
   * @default the notifications topic
   */
  readonly alarmTopicArn?: string;
}

export interface ContactApiProps {
  /**
   * Origins (`https://host[:port]`) whose pages may post to the API: the CORS allowlist of the
   * preflight, the gateway error responses and the handler. Typically `StaticSite.origins`: Terraform
   * references are fine, and so are both mixed: `[...site.origins, 'http://localhost:3000']`.
   */
  readonly allowedOrigins: string[];

  /** Refuse requests that carry no `Origin` header (non-browser clients). @default false */
  readonly requireOrigin?: boolean;

  /**
   * Where a plain HTML form (no JavaScript) is sent with `303` after a successful post: an
   * absolute URL, or a path resolved against the posting page's allowed origin.
   * @default "/thank-you.html"
   */
  readonly thankYouUrl?: string;

  /** Path segment of the contact resource. @default "contact" */
  readonly resourcePath?: string;

  /** Name of the API Gateway stage. @default "prod" */
  readonly stageName?: string;

  /** Steady-state requests per second the stage accepts before answering 429 (with CORS headers, so the page can read it). @default 10 */
  readonly throttlingRateLimit?: number;

  /** Requests the stage accepts in a burst. @default 20 */
  readonly throttlingBurstLimit?: number;

  /** Days to keep the function's logs and the API's access and execution logs; a value CloudWatch accepts. @default 30 */
  readonly logRetentionDays?: number;

  /** Lambda memory in MB (128..10240); more memory also means more CPU. @default 256 */
  readonly memorySize?: number;

  /** Lambda timeout in seconds (1..28, below API Gateway's 29 s integration limit). @default 10 */
  readonly timeoutSeconds?: number;

  /** Lambda architecture. @default "arm64" */
  readonly architecture?: 'arm64' | 'x86_64';

  /** Lambda runtime; `nodejs22.x` is accepted too (the zip targets Node 22, so it runs on both). @default "nodejs24.x" */
  readonly runtime?: ContactApiRuntime;

  /**
   * Concurrent executions reserved for (and capping) the function. New accounts have a limit of
   * 10 and cannot reserve any, so there is none by default: the stage throttling caps the load.
   * @default none
   */
  readonly reservedConcurrency?: number;

  /** X-Ray tracing on the function and the stage. @default true */
  readonly tracing?: boolean;

  /** Point-in-time recovery (35 days of restorable history) on the table. @default true */
  readonly pointInTimeRecovery?: boolean;

  /** Refuse to delete the table (terraform destroy fails until this is turned off). @default true */
  readonly deletionProtection?: boolean;

  /**
   * Manage the region's account-wide API Gateway CloudWatch role (`aws_api_gateway_account`),
   * which stage access logs need. Turn off where another stack or a landing zone sets it.
   * Several `ContactApi`s in one stack share one setting: the first that manages it makes it, the
   * others reuse it. Destroying it resets that setting for the whole region (AWS provider 6).
   * @default true
   */
  readonly manageApiGatewayAccount?: boolean;

  /**
   * Add CORS headers to the API's `DEFAULT_4XX`/`DEFAULT_5XX` gateway responses, so throttling and
   * gateway errors reach the page as readable errors instead of CORS failures.
   * @default true
   */
  readonly corsGatewayResponses?: boolean;

  /**
   * Custom domain for the API, e.g. `api.example.com`: an `aws_api_gateway_domain_name` (TLS 1.2) with a
   * regional ACM certificate validated in `hostedZoneId`/`hostedZoneName`, a base path mapping, and
   * `A`/`AAAA` alias records.
   * @default none: the `execute-api` URL
   */
  readonly domainName?: string;
  /** Route 53 zone of `domainName`, by id. @default looked up by `hostedZoneName` */
  readonly hostedZoneId?: string;
  /** Route 53 zone of `domainName`, by name. @default none */
  readonly hostedZoneName?: string;

  /**
   * ARN of an existing AWS WAFv2 web ACL to associate with the stage (`webAclAssociation`). API Gateway takes
   * `REGIONAL`-scope ACLs in the API's own region: `arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>`.
   * @default none: no WAF (a by-design suppression of CKV2_AWS_29 / AwsSolutions-APIG3 is recorded)
   */
  readonly webAclArn?: string;

  /**
   * ARN of a customer managed KMS key (`arn:aws:kms:<region>:<account>:key/<id>`, in the table's
   * region) to encrypt the table with, instead of the AWS managed key `aws/dynamodb`. The function
   * is granted `kms:Decrypt` on that key only, and only through DynamoDB (`kms:ViaService`), which
   * is what DynamoDB needs from the caller to use the table key; the key policy must allow it too
   * (the default key policy delegates to IAM).
   * @default none: the AWS managed key (a by-design suppression of CKV_AWS_119 is recorded)
   */
  readonly tableKmsKeyArn?: string;

  /**
   * ARN of a customer managed KMS key (`arn:aws:kms:<region>:<account>:key/<id>`, in the API's region) to
   * encrypt every log group the API makes with: the function's, the stage's access and execution logs, and
   * the notifier's. CloudWatch Logs uses the key itself, so no role is granted anything; the key policy must
   * allow the `logs.<region>.amazonaws.com` service principal `kms:Encrypt*`, `kms:Decrypt*`,
   * `kms:ReEncrypt*`, `kms:GenerateDataKey*` and `kms:Describe*` (limited by `kms:EncryptionContext:aws:logs:arn`
   * to this account's log groups), or creating the log groups fails.
   * @default none: CloudWatch Logs' own encryption at rest (a by-design suppression of CKV_AWS_158 is recorded)
   */
  readonly logsKmsKeyArn?: string;

  /**
   * Tells the site owner of every new message: the table's stream (inserts only) feeds a notifier Lambda
   * that publishes each message to SNS, by email (`emails`) or to an existing topic (`topicArn`). The form's
   * answer never waits on it or fails because of it. Delivery is at least once: a retried batch may notify
   * twice, and what keeps failing is kept 14 days in an SQS queue, with an alarm.
   * @default off: no stream, notifier or topic
   */
  readonly notify?: ContactNotify;
}

const CONSTRUCT = 'ContactApi';

/** The props with their defaults applied, checked: what the construct is built from. */
export interface ContactApiSettings {
  /** The validated CORS allowlist. */
  readonly allowedOrigins: string[];
  readonly resourcePath: string;
  readonly stageName: string;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  readonly logRetentionDays: number;
  /** `logsKmsKeyArn`: the key of every log group, when given. */
  readonly logsKmsKeyArn?: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly architecture: 'arm64' | 'x86_64';
  readonly runtime: ContactApiRuntime;
  readonly tracing: boolean;
  readonly pointInTimeRecovery: boolean;
  readonly deletionProtection: boolean;
  readonly manageApiGatewayAccount: boolean;
  readonly corsGatewayResponses: boolean;
  /** `notify`, checked (addresses without duplicates). */
  readonly notify?: ContactNotify;
}

/** Checks every prop (all problems in one PropError) and applies the defaults. */
export function resolveContactApiProps(props: ContactApiProps): ContactApiSettings {
  const checks = new PropChecks(CONSTRUCT);
  const allowedOrigins = checks.check(() => validateOrigins(props.allowedOrigins, CONSTRUCT, 'allowedOrigins'), [] as string[]);
  const settings: ContactApiSettings = {
    allowedOrigins,
    resourcePath: props.resourcePath ?? 'contact',
    stageName: props.stageName ?? 'prod',
    throttlingRateLimit: props.throttlingRateLimit ?? 10,
    throttlingBurstLimit: props.throttlingBurstLimit ?? 20,
    logRetentionDays: props.logRetentionDays ?? 30,
    logsKmsKeyArn: props.logsKmsKeyArn,
    memorySize: props.memorySize ?? 256,
    timeoutSeconds: props.timeoutSeconds ?? 10,
    architecture: props.architecture ?? 'arm64',
    runtime: props.runtime ?? (LAMBDA_RUNTIME as ContactApiRuntime),
    tracing: props.tracing ?? true,
    pointInTimeRecovery: props.pointInTimeRecovery ?? true,
    deletionProtection: props.deletionProtection ?? true,
    manageApiGatewayAccount: props.manageApiGatewayAccount ?? true,
    corsGatewayResponses: props.corsGatewayResponses ?? true,
    notify: props.notify && { ...props.notify, ...(props.notify.emails ? { emails: [...new Set(props.notify.emails)] } : {}) },
  };
  checks.check(() => checkApiShape(settings));
  checks.check(() => checkFunction(settings, props));
  checks.check(() => {
    if (props.thankYouUrl !== undefined && isConcrete(props.thankYouUrl) && !/^(https?:\/\/[^\s]+|\/(?!\/)[^\s]*)$/.test(props.thankYouUrl)) {
      throw new PropError(CONSTRUCT, 'thankYouUrl', `"${props.thankYouUrl}" must be an absolute http(s) URL or a path starting with "/"`);
    }
  });
  checks.check(() => checkWebAclArn(CONSTRUCT, 'webAclArn', props.webAclArn, 'REGIONAL'));
  checks.check(() => checkKmsKeyArn('tableKmsKeyArn', props.tableKmsKeyArn, 'not a key id or an alias, which IAM cannot scope the grant to'));
  checks.check(() => checkKmsKeyArn('logsKmsKeyArn', props.logsKmsKeyArn, 'CloudWatch Logs takes only a key ARN'));
  checks.check(() => checkDomainAndZone(CONSTRUCT, props));
  if (props.notify !== undefined) checks.check(() => checkNotify(props.notify!));
  checks.throwIfAny();
  return settings;
}

/** A KMS key ARN (a Terraform reference passes as it is). */
function checkKmsKeyArn(prop: string, value: string | undefined, why: string): void {
  if (value !== undefined && isConcrete(value) && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/.test(value)) {
    throw new PropError(CONSTRUCT, prop, `"${value}" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; ${why})`);
  }
}

/** A number above 0 and at most `max`. */
function checkPositive(prop: string, value: number, max: number, integer: boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max || (integer && !Number.isInteger(value))) {
    throw new PropError(CONSTRUCT, prop, `must be a${integer ? 'n integer' : ' number'} above 0 and at most ${max}, got ${String(value)}`);
  }
}

/** The resource path, the stage, its throttling and its logs. */
function checkApiShape(settings: ContactApiSettings): void {
  const checks = new PropChecks(CONSTRUCT);
  checks.check(() => {
    if (!/^[A-Za-z0-9._~-]{1,128}$/.test(settings.resourcePath) || settings.resourcePath.startsWith('{')) {
      throw new PropError(CONSTRUCT, 'resourcePath', `"${settings.resourcePath}" must be one path segment such as "contact" (no "/")`);
    }
  });
  checks.check(() => {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(settings.stageName)) {
      throw new PropError(CONSTRUCT, 'stageName', `"${settings.stageName}" may only hold letters, digits, "-" and "_"`);
    }
  });
  checks.check(() => {
    checkPositive('throttlingRateLimit', settings.throttlingRateLimit, 10_000, false);
    checkPositive('throttlingBurstLimit', settings.throttlingBurstLimit, 5_000, true);
    if (settings.throttlingBurstLimit < settings.throttlingRateLimit) {
      // A burst below the rate would cap the rate at the burst.
      throw new PropError(
        CONSTRUCT,
        'throttlingBurstLimit',
        `(${settings.throttlingBurstLimit}) must be at least throttlingRateLimit (${settings.throttlingRateLimit})`,
      );
    }
  });
  checks.check(() => {
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(settings.logRetentionDays)) {
      throw new PropError(
        CONSTRUCT,
        'logRetentionDays',
        `${String(settings.logRetentionDays)} is not a CloudWatch retention period (${LOG_RETENTION_DAYS.join(', ')})`,
      );
    }
  });
  checks.throwIfAny();
}

/** Memory, timeout, architecture, runtime and reserved concurrency of the function. */
function checkFunction(settings: ContactApiSettings, props: ContactApiProps): void {
  const checks = new PropChecks(CONSTRUCT);
  checks.check(() => {
    if (!Number.isInteger(settings.memorySize) || settings.memorySize < 128 || settings.memorySize > 10_240) {
      throw new PropError(CONSTRUCT, 'memorySize', `must be an integer number of MB from 128 to 10240, got ${String(settings.memorySize)}`);
    }
  });
  checks.check(() => {
    if (!Number.isInteger(settings.timeoutSeconds) || settings.timeoutSeconds < 1 || settings.timeoutSeconds > 28) {
      throw new PropError(
        CONSTRUCT,
        'timeoutSeconds',
        `must be an integer from 1 to 28 (API Gateway gives up after 29 s), got ${String(settings.timeoutSeconds)}`,
      );
    }
  });
  checks.check(() => {
    if (settings.architecture !== 'arm64' && settings.architecture !== 'x86_64') {
      throw new PropError(CONSTRUCT, 'architecture', `"${String(settings.architecture)}" is not "arm64" or "x86_64"`);
    }
  });
  checks.check(() => {
    if (!(CONTACT_API_RUNTIMES as readonly string[]).includes(settings.runtime)) {
      throw new PropError(
        CONSTRUCT,
        'runtime',
        `"${String(settings.runtime)}" is not one of ${CONTACT_API_RUNTIMES.join(', ')} (the handler is built for Node.js 22+)`,
      );
    }
  });
  checks.check(() => {
    if (props.reservedConcurrency !== undefined) checkPositive('reservedConcurrency', props.reservedConcurrency, 10_000, true);
  });
  checks.throwIfAny();
}

// A pragmatic address check (one @, a dotted domain, no spaces or angle brackets): SNS refuses worse.
const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** `notify`: exactly one of emails / topicArn, well-formed addresses and standard-topic ARNs. */
function checkNotify(notify: ContactNotify): void {
  const hasEmails = notify.emails !== undefined;
  if (hasEmails === (notify.topicArn !== undefined)) {
    throw new PropError(CONSTRUCT, 'notify', 'needs emails or topicArn (one of them): where each new message is sent');
  }
  if (hasEmails) {
    if (!Array.isArray(notify.emails) || notify.emails.length === 0) throw new PropError(CONSTRUCT, 'notify', 'emails must list at least one address');
    for (const email of notify.emails) {
      if (isConcrete(email) && (typeof email !== 'string' || !EMAIL.test(email) || email.length > 254)) {
        throw new PropError(CONSTRUCT, 'notify', `emails: ${JSON.stringify(email)} is not an email address`);
      }
    }
  }
  for (const key of ['topicArn', 'alarmTopicArn'] as const) {
    const arn = notify[key];
    if (!isConcrete(arn)) continue;
    if (arn.endsWith('.fifo'))
      throw new PropError(CONSTRUCT, 'notify', `${key} "${arn}" is a FIFO topic; notifications and alarms publish to a standard topic`);
    if (!SNS_TOPIC_ARN.test(arn)) throw new PropError(CONSTRUCT, 'notify', `${key} "${arn}" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)`);
  }
}
