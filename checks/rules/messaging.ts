/**
 * SNS topic and SQS queue rules. A topic's policy is its inline `policy` or an aws_sns_topic_policy
 * whose `arn` names it; a queue's is its inline `policy` or an aws_sqs_queue_policy whose `queue_url`
 * names it. "Names" means references the resource (`${aws_sqs_queue.q.url}`) or, for a resource with
 * a literal `name`, is an ARN or URL ending in that name.
 */
import { coversAction, deniesInsecureTransport, readPolicy, statementName } from '../policy';
import { fail, pass, Rule, sameCheck, show } from '../rule';
import { isExpression, isObject, Json, ResourceView, StackView } from '../stack-view';

const TOPIC = ['aws_sns_topic'];
const QUEUE = ['aws_sqs_queue'];

/** True when `value` references `target`, or is an ARN / URL ending in its literal `name`. */
export function names(stack: StackView, value: Json | undefined, target: ResourceView): boolean {
  if (stack.refersTo(value, target)) return true;
  const name = target.body.name;
  if (typeof name !== 'string' || name === '' || isExpression(name)) return false;
  return typeof value === 'string' && !isExpression(value) && (value.endsWith(`:${name}`) || value.endsWith(`/${name}`));
}

/** CKV_AWS_26 / AwsSolutions-SNS2: server-side encryption with a KMS key. */
export const topicEncrypted: Rule[] = sameCheck(
  [
    { id: 'CKV_AWS_26', ruleSet: 'checkov' },
    { id: 'AwsSolutions-SNS2', ruleSet: 'cdk-nag' },
  ],
  'SNS topic is encrypted at rest with a KMS key (kms_master_key_id)',
  TOPIC,
  (topic) => {
    const key = topic.body.kms_master_key_id;
    return typeof key === 'string' && key !== ''
      ? pass(`kms_master_key_id = ${show(key)}`)
      : fail(`kms_master_key_id is ${show(key)}: the topic has no server-side encryption`);
  },
);

/**
 * CKV_AWS_27 / AwsSolutions-SQS2: server-side encryption, with a KMS key or SQS-managed keys
 * (checkov passes either; a queue that sets neither fails, although AWS may turn SSE-SQS on by default).
 */
export const queueEncrypted: Rule[] = sameCheck(
  [
    { id: 'CKV_AWS_27', ruleSet: 'checkov' },
    { id: 'AwsSolutions-SQS2', ruleSet: 'cdk-nag' },
  ],
  'SQS queue is encrypted at rest (kms_master_key_id, or sqs_managed_sse_enabled = true)',
  QUEUE,
  (queue) => {
    const key = queue.body.kms_master_key_id;
    const managed = queue.body.sqs_managed_sse_enabled;
    if (typeof key === 'string' && key !== '') return pass(`kms_master_key_id = ${show(key)}`);
    if (managed === true) return pass('sqs_managed_sse_enabled = true (SSE-SQS)');
    return fail(`kms_master_key_id is ${show(key)} and sqs_managed_sse_enabled is ${show(managed)}: the queue is not set to be encrypted`);
  },
);

interface TlsTarget {
  /** `topic` or `queue`, for messages. */
  readonly noun: string;
  /** The policy resource type and the attribute of it that names the target. */
  readonly policyType: string;
  readonly policyAttribute: string;
  /** The action the Deny statement has to cover. */
  readonly action: string;
}

/** The target's policy (inline `policy`, or a policy resource naming it) has a statement denying `action` without TLS. */
function requiresTls(target: ResourceView, stack: StackView, spec: TlsTarget): ReturnType<Rule['check']> {
  const attached = stack.ofType(spec.policyType).filter((p) => names(stack, p.body[spec.policyAttribute], target));
  const sources = [
    ...(target.body.policy === undefined ? [] : [{ value: target.body.policy, attribute: `${target.address}.policy` }]),
    ...attached.map((p) => ({ value: p.body.policy, attribute: `${p.address}.policy` })),
  ];
  if (sources.length === 0) {
    return fail(
      `no ${spec.policyType} has ${spec.policyAttribute} referencing this ${spec.noun}, and it has no inline policy, so nothing denies requests without TLS`,
    );
  }
  const problems: string[] = [];
  for (const source of sources) {
    const document = readPolicy(source.value, stack, source.attribute);
    if (!document.ok) {
      problems.push(document.problem);
      continue;
    }
    const denies = document.statements.find(
      (s) => deniesInsecureTransport(s) && coversAction(s, spec.action) && s.resources.some((r) => r === '*' || names(stack, r, target)),
    );
    if (denies) {
      return pass(
        `${document.source} ${statementName(denies, document.statements.indexOf(denies))} denies ${spec.action} to "*" on the ${spec.noun} when aws:SecureTransport is false`,
      );
    }
    problems.push(`${document.source} has no statement that denies ${spec.action} to "*" on the ${spec.noun} when aws:SecureTransport is false`);
  }
  return fail(problems.join('; '));
}

/** AwsSolutions-SNS3: publishers have to use TLS. */
export const topicRequiresTls: Rule = {
  id: 'AwsSolutions-SNS3',
  ruleSet: 'cdk-nag',
  title: 'SNS topic policy (aws_sns_topic_policy or inline policy) denies sns:Publish to "*" on the topic when aws:SecureTransport = false',
  resourceTypes: TOPIC,
  check: (topic, stack) => requiresTls(topic, stack, { noun: 'topic', policyType: 'aws_sns_topic_policy', policyAttribute: 'arn', action: 'sns:Publish' }),
};

/** AwsSolutions-SQS4: every request to the queue has to use TLS. */
export const queueRequiresTls: Rule = {
  id: 'AwsSolutions-SQS4',
  ruleSet: 'cdk-nag',
  title: 'SQS queue policy (aws_sqs_queue_policy or inline policy) denies sqs:* to "*" on the queue when aws:SecureTransport = false',
  resourceTypes: QUEUE,
  check: (queue, stack) => requiresTls(queue, stack, { noun: 'queue', policyType: 'aws_sqs_queue_policy', policyAttribute: 'queue_url', action: 'sqs:*' }),
};

/**
 * The dead-letter target a `redrive_policy` holds: its `deadLetterTargetArn` when the policy is JSON;
 * the whole expression when it is one (`${jsonencode({deadLetterTargetArn = ...})}`) that names it.
 */
function deadLetterTarget(value: Json | undefined): Json | undefined {
  if (isObject(value)) return value.deadLetterTargetArn;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isObject(parsed) ? parsed.deadLetterTargetArn : undefined;
  } catch {
    return isExpression(value) && value.includes('deadLetterTargetArn') ? value : undefined;
  }
}

/** Where another resource sends its failures to a queue: [type, attribute path, what it is]. */
const DEAD_LETTER_USES: readonly (readonly [string, string, string])[] = [
  ['aws_sqs_queue', 'redrive_policy', "a queue's redrive_policy"],
  ['aws_sqs_queue_redrive_policy', 'redrive_policy', 'an aws_sqs_queue_redrive_policy'],
  ['aws_sns_topic_subscription', 'redrive_policy', "an SNS subscription's redrive_policy"],
  ['aws_lambda_event_source_mapping', 'destination_config.on_failure.destination_arn', "an event source mapping's on-failure destination"],
  ['aws_lambda_function_event_invoke_config', 'destination_config.on_failure.destination', "an invoke config's on-failure destination"],
  ['aws_lambda_function', 'dead_letter_config.target_arn', "a function's dead_letter_config"],
];

/**
 * AwsSolutions-SQS3: a dead-letter queue for messages that keep failing. cdk-nag exempts a queue
 * that is itself a dead-letter queue (by suppression); here a queue is one when another resource
 * sends its failures to it (the uses in {@link DEAD_LETTER_USES}).
 */
export const queueHasDeadLetterQueue: Rule = {
  id: 'AwsSolutions-SQS3',
  ruleSet: 'cdk-nag',
  title:
    "SQS queue has a dead-letter queue (redrive_policy with deadLetterTargetArn), unless it is one: named by another queue's or a subscription's redrive_policy, an on-failure destination or a function's dead_letter_config",
  resourceTypes: QUEUE,
  check: (queue, stack) => {
    const own = deadLetterTarget(queue.body.redrive_policy);
    if (own !== undefined && own !== null && own !== '') return pass(`redrive_policy sends failed messages to deadLetterTargetArn ${show(own)}`);
    const separate = stack
      .ofType('aws_sqs_queue_redrive_policy')
      .find((r) => names(stack, r.body.queue_url, queue) && deadLetterTarget(r.body.redrive_policy) !== undefined);
    if (separate) return pass(`${separate.address} sets its redrive_policy`);
    const uses = DEAD_LETTER_USES.flatMap(([type, path, what]) =>
      stack
        .ofType(type)
        .filter((r) => {
          if (r === queue) return false;
          const value = r.get(path);
          return names(stack, path === 'redrive_policy' ? deadLetterTarget(value) : value, queue);
        })
        .map((r) => `${what} (${r.address})`),
    );
    if (uses.length > 0) return pass(`it is a dead-letter queue itself: ${uses.join(', ')} names it`);
    return fail(
      `redrive_policy is ${show(queue.body.redrive_policy)} and no other resource sends its failures to this queue (redrive_policy, on-failure destination, dead_letter_config): a message that keeps failing is received again until it expires`,
    );
  },
};

export const messagingRules: Rule[] = [...topicEncrypted, topicRequiresTls, ...queueEncrypted, queueRequiresTls, queueHasDeadLetterQueue];
