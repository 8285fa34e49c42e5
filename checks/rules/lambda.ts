/** Lambda function, permission and event source mapping rules. */
import { fail, pass, Rule, show } from '../rule';
import { isExpression, Json, parseReference, stringList } from '../stack-view';

const FUNCTION = ['aws_lambda_function'];

/**
 * Lambda runtimes and the day AWS deprecates them (no more security patches), from the AWS Lambda
 * "Runtimes" page. A runtime past its date fails CKV_AWS_363; a runtime not listed here fails too,
 * so that a new or mistyped runtime is looked at rather than passed. Update when AWS announces dates.
 */
export const LAMBDA_RUNTIME_DEPRECATION: Readonly<Record<string, string | null>> = {
  // null: supported, no deprecation date announced when this list was written
  'nodejs24.x': null,
  'nodejs22.x': '2027-04-30',
  'nodejs20.x': '2026-04-30',
  'nodejs18.x': '2025-09-01',
  'nodejs16.x': '2024-06-12',
  'nodejs14.x': '2023-12-04',
  'nodejs12.x': '2023-03-31',
  'nodejs10.x': '2021-07-30',
  'python3.14': null,
  'python3.13': null,
  'python3.12': null,
  'python3.11': null,
  'python3.10': '2026-06-30',
  'python3.9': '2025-12-15',
  'python3.8': '2024-10-14',
  'python3.7': '2023-12-04',
  'python3.6': '2022-07-18',
  'python2.7': '2021-07-15',
  java25: null,
  java21: null,
  java17: null,
  java11: null,
  'java8.al2': null,
  java8: '2024-01-08',
  dotnet10: null,
  dotnet8: '2026-11-10',
  dotnet6: '2024-12-20',
  'dotnetcore3.1': '2023-04-03',
  'ruby3.4': null,
  'ruby3.3': null,
  'ruby3.2': '2026-03-31',
  'ruby2.7': '2023-12-07',
  'provided.al2023': null,
  'provided.al2': null,
  provided: '2024-01-08',
  'go1.x': '2024-01-08',
};

/** CKV_AWS_363 with the date to judge deprecation on (tests pin it). */
export function lambdaRuntimeRule(asOf: () => Date = () => new Date()): Rule {
  return {
    id: 'CKV_AWS_363',
    ruleSet: 'checkov',
    title: 'Lambda function uses a runtime that AWS has not deprecated',
    resourceTypes: FUNCTION,
    check: (fn) => {
      if (fn.body.package_type === 'Image') return undefined;
      const runtime = fn.body.runtime;
      if (typeof runtime !== 'string') return fail(`runtime is ${show(runtime)}`);
      if (!(runtime in LAMBDA_RUNTIME_DEPRECATION))
        return fail(`runtime "${runtime}" is not a runtime this check knows (checks/rules/lambda.ts LAMBDA_RUNTIME_DEPRECATION)`);
      const date = LAMBDA_RUNTIME_DEPRECATION[runtime];
      const today = asOf().toISOString().slice(0, 10);
      if (date !== null && date <= today) return fail(`runtime "${runtime}" was deprecated on ${date}`);
      return pass(`runtime "${runtime}" is supported${date ? ` until ${date}` : ''}`);
    },
  };
}

/** CKV_AWS_50: active X-Ray tracing. */
export const functionTracing: Rule = {
  id: 'CKV_AWS_50',
  ruleSet: 'checkov',
  title: 'Lambda function has active X-Ray tracing (tracing_config.mode = Active)',
  resourceTypes: FUNCTION,
  check: (fn) => {
    const mode = fn.get('tracing_config.mode');
    return mode === 'Active' ? pass('tracing_config.mode = "Active"') : fail(`tracing_config.mode is ${show(mode)}`);
  },
};

// Formats of credentials that must never be literal configuration.
const SECRET_VALUE_PATTERNS: [string, RegExp][] = [
  ['an AWS access key id', /\b(AKIA|ASIA|A3T[A-Z0-9])[A-Z0-9]{16}\b/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['a Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['a Stripe live key', /\b[sr]k_live_[A-Za-z0-9]{16,}/],
  ['a JSON web token', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  ['a URL with a password', /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i],
];
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|PASSPHRASE|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|TOKEN|CREDENTIAL)/i;

/**
 * CKV_AWS_45: no credentials in the function's environment, which is readable by anyone with
 * `lambda:GetFunctionConfiguration` and stored in state. Flags values in a credential format and
 * literal values of variables named like a secret (`*_PASSWORD`, `*_TOKEN`, ...); values are never echoed.
 */
export const functionNoSecrets: Rule = {
  id: 'CKV_AWS_45',
  ruleSet: 'checkov',
  title: 'Lambda function environment holds no secrets (credential formats, or literal values of secret-named variables)',
  resourceTypes: FUNCTION,
  check: (fn) => {
    const variables = fn.get('environment.variables');
    if (variables === undefined) return pass('no environment variables');
    if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) return fail('environment.variables is not a map');
    const problems: string[] = [];
    for (const [name, value] of Object.entries(variables)) {
      if (typeof value !== 'string') continue;
      const format = SECRET_VALUE_PATTERNS.find(([, pattern]) => pattern.test(value));
      if (format) problems.push(`${name} holds ${format[0]}`);
      else if (SECRET_NAME.test(name) && value !== '' && !isExpression(value)) problems.push(`${name} is named like a secret and has a literal value`);
    }
    return problems.length === 0
      ? pass(`environment variables ${Object.keys(variables).join(', ')} hold no credential`)
      : fail(`${problems.join('; ')}: use Secrets Manager or SSM Parameter Store and read it at run time`);
  },
};

/** CONTACT-LAMBDA-LIMITS: memory and timeout chosen, not the 128 MB / 3 s defaults by omission. */
export const functionLimits: Rule = {
  id: 'CONTACT-LAMBDA-LIMITS',
  ruleSet: 'project',
  title: 'Lambda function sets memory_size and timeout explicitly',
  resourceTypes: FUNCTION,
  check: (fn) => {
    const memory = fn.body.memory_size;
    const timeout = fn.body.timeout;
    const missing = [memory === undefined ? 'memory_size' : undefined, timeout === undefined ? 'timeout' : undefined].filter(Boolean);
    return missing.length === 0
      ? pass(`memory_size = ${show(memory)}, timeout = ${show(timeout)}`)
      : fail(`${missing.join(' and ')} not set (Lambda defaults to 128 MB and 3 s)`);
  },
};

/** CKV_AWS_116: a dead-letter queue for failed asynchronous invocations. */
export const functionDlq: Rule = {
  id: 'CKV_AWS_116',
  ruleSet: 'checkov',
  title: 'Lambda function has a dead-letter queue (dead_letter_config.target_arn)',
  resourceTypes: FUNCTION,
  check: (fn) => {
    const target = fn.get('dead_letter_config.target_arn');
    return typeof target === 'string' && target !== '' ? pass(`dead_letter_config.target_arn = ${show(target)}`) : fail('dead_letter_config is not set');
  },
};

/** CKV_AWS_117: the function runs in a VPC. */
export const functionInVpc: Rule = {
  id: 'CKV_AWS_117',
  ruleSet: 'checkov',
  title: 'Lambda function runs inside a VPC (vpc_config with subnets)',
  resourceTypes: FUNCTION,
  check: (fn) => {
    const subnets = fn.get('vpc_config.subnet_ids');
    return Array.isArray(subnets) && subnets.length > 0 ? pass(`vpc_config.subnet_ids has ${subnets.length} subnets`) : fail('vpc_config is not set');
  },
};

/** CKV_AWS_173: environment variables encrypted with a customer managed KMS key. */
export const functionEnvironmentKms: Rule = {
  id: 'CKV_AWS_173',
  ruleSet: 'checkov',
  title: 'Lambda function with environment variables encrypts them with a customer managed KMS key (kms_key_arn)',
  resourceTypes: FUNCTION,
  check: (fn) => {
    if (fn.get('environment.variables') === undefined) return undefined;
    const key = fn.body.kms_key_arn;
    return typeof key === 'string' && key !== ''
      ? pass(`kms_key_arn = ${show(key)}`)
      : fail('kms_key_arn is not set: the environment is encrypted with the AWS managed key');
  },
};

/** CKV_AWS_115: reserved concurrency, which caps the function (and reserves capacity for it). */
export const functionReservedConcurrency: Rule = {
  id: 'CKV_AWS_115',
  ruleSet: 'checkov',
  title: 'Lambda function has reserved concurrency (reserved_concurrent_executions)',
  resourceTypes: FUNCTION,
  check: (fn) => {
    const reserved = fn.body.reserved_concurrent_executions;
    return typeof reserved === 'number' && reserved >= 0
      ? pass(`reserved_concurrent_executions = ${reserved}`)
      : fail(`reserved_concurrent_executions is ${show(reserved)}`);
  },
};

/**
 * CKV_AWS_364: a permission that lets an AWS service invoke the function names the source
 * (`source_arn`), so that no other account's resource of that service can invoke it.
 */
export const permissionSourceArn: Rule = {
  id: 'CKV_AWS_364',
  ruleSet: 'checkov',
  title: 'Lambda permission for an AWS service is scoped by source_arn',
  resourceTypes: ['aws_lambda_permission'],
  check: (permission) => {
    const principal = permission.body.principal;
    if (principal === '*') return fail('principal is "*": anyone may invoke the function');
    if (typeof principal !== 'string') return fail(`principal is ${show(principal)}`);
    if (!principal.endsWith('.amazonaws.com') && !isExpression(principal)) return undefined;
    const source = permission.body.source_arn;
    if (typeof source !== 'string' || source === '')
      return fail(`principal "${principal}" with no source_arn: any ${principal} resource of any account may invoke the function`);
    if (source === '*' || /^arn:aws[a-z-]*:[a-z0-9-]+:\*?:\*?:\*$/.test(source)) return fail(`source_arn is ${show(source)}, which scopes nothing`);
    return pass(`principal "${principal}" limited to source_arn ${show(source)}`);
  },
};

/** The kind of stream an event source mapping reads, from a reference or a literal ARN; undefined for other sources. */
function streamSource(value: Json | undefined): 'DynamoDB stream' | 'Kinesis stream' | undefined {
  const reference = parseReference(typeof value === 'string' ? value.trim() : value);
  if (reference) {
    if (reference.type === 'aws_dynamodb_table') return 'DynamoDB stream';
    if (reference.type === 'aws_kinesis_stream' || reference.type === 'aws_kinesis_stream_consumer') return 'Kinesis stream';
    return undefined;
  }
  if (typeof value !== 'string') return undefined;
  if (/^arn:aws[a-z-]*:dynamodb:[^:]*:[^:]*:table\/[^/]+\/stream\//.test(value)) return 'DynamoDB stream';
  if (/^arn:aws[a-z-]*:kinesis:[^:]*:[^:]*:stream\//.test(value)) return 'Kinesis stream';
  return undefined;
}

/**
 * CONTACT-ESM-FAILURES: a stream's event source mapping keeps what keeps failing and does not block
 * the shard on it. Lambda retries a failing stream batch until its records expire (retries and record
 * age default to -1, infinite), holding up every later record of the shard, and then drops it unless
 * there is an on-failure destination. checkov has no check of event source mappings.
 */
export const streamMappingFailures: Rule = {
  id: 'CONTACT-ESM-FAILURES',
  ruleSet: 'project',
  title:
    'Event source mapping on a DynamoDB or Kinesis stream has an on-failure destination, bounded retries and record age, bisect_batch_on_function_error and ReportBatchItemFailures',
  resourceTypes: ['aws_lambda_event_source_mapping'],
  check: (mapping) => {
    const source = streamSource(mapping.body.event_source_arn);
    if (!source) return undefined;
    const destination = mapping.get('destination_config.on_failure.destination_arn');
    const retries = mapping.body.maximum_retry_attempts;
    const age = mapping.body.maximum_record_age_in_seconds;
    const bisect = mapping.body.bisect_batch_on_function_error;
    const responseTypes = stringList(mapping.body.function_response_types);
    const problems: [string, string][] = [];
    if (typeof destination !== 'string' || destination === '')
      problems.push([
        'destination_config.on_failure.destination_arn',
        `destination_config.on_failure.destination_arn is ${show(destination)}: records that keep failing are dropped`,
      ]);
    if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > 10000)
      problems.push([
        'maximum_retry_attempts',
        `maximum_retry_attempts is ${show(retries)}; it must be 0 to 10000 (unset or -1 retries until the records expire)`,
      ]);
    if (typeof age !== 'number' || !Number.isInteger(age) || age < 60 || age > 604800)
      problems.push([
        'maximum_record_age_in_seconds',
        `maximum_record_age_in_seconds is ${show(age)}; it must be 60 to 604800 (unset or -1 keeps retrying for as long as the stream keeps the records)`,
      ]);
    if (bisect !== true)
      problems.push(['bisect_batch_on_function_error', `bisect_batch_on_function_error is ${show(bisect)}: one bad record fails its whole batch every time`]);
    if (!responseTypes.includes('ReportBatchItemFailures'))
      problems.push([
        'function_response_types',
        `function_response_types is ${show(mapping.body.function_response_types)}, without "ReportBatchItemFailures": a failure retries the whole batch`,
      ]);
    if (problems.length > 0)
      return fail(
        `${source}: ${problems.map(([, message]) => message).join('; ')}`,
        problems.map(([finding]) => finding),
      );
    return pass(
      `${source}: on failure to ${show(destination)}, maximum_retry_attempts = ${retries}, maximum_record_age_in_seconds = ${age}, bisect_batch_on_function_error = true, function_response_types has "ReportBatchItemFailures"`,
    );
  },
};

export function lambdaRules(asOf?: () => Date): Rule[] {
  return [
    lambdaRuntimeRule(asOf),
    functionTracing,
    permissionSourceArn,
    functionNoSecrets,
    functionLimits,
    functionDlq,
    functionInVpc,
    functionEnvironmentKms,
    functionReservedConcurrency,
    streamMappingFailures,
  ];
}
