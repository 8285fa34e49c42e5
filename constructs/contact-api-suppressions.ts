/**
 * The policy rules a ContactApi does not meet by design, with the reasons, as one table. Each row is
 * recorded next to its resource in the synthesized JSON (see constructs/internal/suppressions.ts),
 * where `checkStack` and the checkov config of `npm run review -- --checkov-config` read them.
 */
import type { ContactApi } from './contact-api';
import type { ContactApiProps, ContactApiSettings } from './contact-api-props';
import { ownLogsFindings, tracesFindings } from './internal/handler-permissions';
import { applySuppressions, SuppressionRow } from './internal/suppressions';

export function suppressContactApiRules(api: ContactApi, props: ContactApiProps, settings: ContactApiSettings): void {
  const throttling = `${settings.throttlingRateLimit} rps, burst ${settings.throttlingBurstLimit}`;
  const noCache =
    'Every request is a POST of a new message (or its preflight): nothing may be answered from a cache, and a cache cluster costs from $14 a month.';
  const logGroupRows = [api.functionLogGroup, api.accessLogGroup, api.executionLogGroup].flatMap((logGroup): SuppressionRow[] => [
    {
      resource: logGroup,
      rules: ['CKV_AWS_158'],
      when: settings.logsKmsKeyArn === undefined,
      reason:
        'No logsKmsKeyArn: CloudWatch Logs encrypts every log group at rest; a customer managed key adds a key policy for the logs service and $1 a month. The logs hold ' +
        'request metadata, ids and outcomes, never the message or its sender (see ACCESS_LOG_FORMAT and the handler).',
    },
    {
      resource: logGroup,
      rules: ['CKV_AWS_338'],
      when: settings.logRetentionDays < 365,
      reason:
        `Kept ${settings.logRetentionDays} days (logRetentionDays): the access logs hold visitors' IP addresses, personal data kept no longer than needed ` +
        'to investigate a problem. Set logRetentionDays to 365 or more where a policy asks for a year.',
    },
  ]);
  applySuppressions([
    // --- the table ---
    {
      resource: api.table,
      rules: ['CKV_AWS_119'],
      when: props.tableKmsKeyArn === undefined,
      reason:
        'No tableKmsKeyArn: the table is encrypted at rest with the AWS managed key aws/dynamodb. A customer managed key adds key-policy control and ' +
        'per-use CloudTrail records at $1 a month plus requests; pass tableKmsKeyArn to use one.',
    },
    // --- the function and its permissions ---
    {
      resource: api.functionPolicy,
      rules: ['AwsSolutions-IAM5'],
      reason:
        "logs:CreateLogStream and logs:PutLogEvents are limited to this function's own log group; its streams are named per execution environment " +
        'at run time, so they can only be matched with ":*" inside that group.' +
        (settings.tracing ? ' X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions, so "*" is their only valid resource.' : ''),
      appliesTo: [...ownLogsFindings(api.functionLogGroup.arn), ...tracesFindings(settings.tracing)],
    },
    {
      resource: api.function,
      rules: ['CKV_AWS_116'],
      reason:
        'API Gateway invokes the function synchronously (AWS_PROXY); a dead-letter queue only receives failed asynchronous invocations, so it would never ' +
        'be used. A failure is answered to the caller and logged.',
    },
    {
      resource: api.function,
      rules: ['CKV_AWS_117'],
      reason:
        'The function reaches only the public DynamoDB, CloudWatch Logs and X-Ray endpoints (TLS, IAM-signed) and no private resource; a VPC would add ' +
        'NAT or VPC endpoints and their cost with nothing to protect.',
    },
    {
      resource: api.function,
      rules: ['CKV_AWS_173'],
      reason:
        'The environment holds only non-secret configuration (TABLE_NAME, ALLOWED_ORIGINS, THANK_YOU_URL, REQUIRE_ORIGIN), encrypted at rest by Lambda ' +
        'with its AWS managed key; a customer managed key is for secrets, and there are none (CKV_AWS_45 checks).',
    },
    {
      resource: api.function,
      rules: ['CKV_AWS_272'],
      reason:
        'The zip is built by this deploy from the source in the same commit (esbuild, deterministic) and pinned by source_code_hash in the plan; ' +
        'code signing guards against a zip swapped between a separate build and deploy, which this pipeline does not have.',
    },
    {
      resource: api.function,
      rules: ['CKV_AWS_115'],
      when: props.reservedConcurrency === undefined,
      reason:
        'No reservedConcurrency: new accounts have a concurrency limit of 10 and cannot reserve any, and the stage throttling ' +
        `(${throttling}) already caps the load. Set reservedConcurrency to cap the function itself.`,
    },
    // --- POST /contact ---
    {
      resource: api.postMethod,
      rules: ['CKV_AWS_59', 'AwsSolutions-APIG4', 'AwsSolutions-COG4'],
      reason:
        'POST /contact is a public contact form: its callers are anonymous visitors, so there is no identity to authorize, and an API key in the ' +
        `page's JavaScript would be public. Abuse is bounded by stage throttling (${throttling}), ` +
        'the CORS allowlist, body validation and size limits in the handler, and a function that may only PutItem.',
    },
    {
      resource: api.postMethod,
      rules: ['CKV2_AWS_53'],
      reason:
        'The body is validated by the handler, which reads JSON and three form encodings and answers every problem as a 4xx JSON error with CORS ' +
        'headers, naming the field; an API Gateway request validator checks JSON models only, and would reject form posts with its own answer.',
    },
    // --- the stage ---
    {
      resource: api.stage,
      rules: ['CKV2_AWS_29', 'AwsSolutions-APIG3'],
      when: props.webAclArn === undefined,
      reason:
        'WAF is opt-in (webAclArn): a web ACL costs from $5 a month plus rules and requests. Without one the stage throttles to ' +
        `${settings.throttlingRateLimit} rps (burst ${settings.throttlingBurstLimit}), and the handler validates and size-limits every body. ` +
        'Pass webAclArn (a REGIONAL web ACL) to attach one.',
    },
    { resource: api.stage, rules: ['CKV_AWS_120'], reason: noCache },
    { resource: api.methodSettings, rules: ['CKV_AWS_225'], reason: noCache },
    {
      resource: api.stage,
      rules: ['CKV2_AWS_51'],
      reason: "The callers are visitors' browsers, which cannot present a client certificate; the backend is a Lambda proxy integration, which needs none.",
    },
    {
      resource: api.stage,
      rules: ['CKV2_AWS_77'],
      when: props.webAclArn !== undefined,
      reason:
        "The web ACL is passed by ARN (webAclArn) and its rules are its owner's; this stack cannot see them. Include AWSManagedRulesKnownBadInputsRuleSet (Log4j) in it.",
    },
    // --- the log groups ---
    ...logGroupRows,
  ]);
}
