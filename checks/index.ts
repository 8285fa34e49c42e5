/**
 * Policy checks on a synthesized Terraform JSON stack (`cdktf.out/stacks/<stack>/cdk.tf.json`):
 * the rules of checkov's Terraform checks and cdk-nag's AwsSolutions pack that apply to a static
 * site + contact API (S3, CloudFront, API Gateway, Lambda and its event source mappings, IAM,
 * DynamoDB, CloudWatch Logs, SNS, SQS), plus a few project rules. Each rule mirrors the intent of
 * the upstream rule it is named after; none is a copy of its code, and results may differ from the
 * upstream tools at the edges.
 *
 * Works on any stack's JSON: unknown resource types are ignored; a missing attribute fails with a
 * message. A rule that does not hold by design is suppressed next to the resource with its reason
 * (`suppressRule` in constructs/internal/suppressions.ts, written to `"//".suppressions`); the report
 * lists it as `suppressed` with that reason. Read the JSON that `cdktf synth` (or `Testing.fullSynth`)
 * writes: `Testing.synth` drops every `"//"` block and with it the suppressions.
 *
 * @example
 * const report = checkStack(readFileSync('cdktf.out/stacks/contact-site/cdk.tf.json', 'utf8'));
 * if (report.failed.length > 0) throw new Error(formatReport(report));
 */
import { Rule, RuleOutcome } from './rule';
import { apiGatewayRules } from './rules/api-gateway';
import { cloudfrontRules } from './rules/cloudfront';
import { dataRules } from './rules/data';
import { iamRules } from './rules/iam';
import { lambdaRules } from './rules/lambda';
import { messagingRules } from './rules/messaging';
import { s3Rules } from './rules/s3';
import { ResourceView, stackView, Suppression } from './stack-view';

export type { Rule, RuleOutcome } from './rule';
export type { ResourceView, StackView, Suppression } from './stack-view';
export { stackView } from './stack-view';
export { LAMBDA_RUNTIME_DEPRECATION, lambdaRuntimeRule } from './rules/lambda';
export type { CheckovFiles, CheckovSkip } from './checkov';
export { checkovFiles, checkovInput, checkovSkips, isCheckovId } from './checkov';

export type CheckStatus = 'pass' | 'fail' | 'suppressed';

export interface CheckResult {
  /** e.g. `CKV_AWS_53`, `AwsSolutions-IAM5`, or a project rule id like `CONTACT-APIGW-THROTTLE` */
  readonly ruleId: string;
  readonly ruleSet: 'checkov' | 'cdk-nag' | 'project';
  /** What the rule requires, one line. */
  readonly title: string;
  /** Terraform address, e.g. `aws_s3_bucket.site_bucket_7B14A155` or `data.aws_iam_policy_document.x` */
  readonly address: string;
  readonly status: CheckStatus;
  /** Why it passed or failed, naming the attribute and value. */
  readonly message: string;
  /** For `suppressed`: the reason written next to the construct. */
  readonly reason?: string;
}

export interface CheckReport {
  readonly results: readonly CheckResult[];
  readonly failed: readonly CheckResult[];
  readonly suppressed: readonly CheckResult[];
  readonly passed: readonly CheckResult[];
}

/** Every rule, in report order: S3, CloudFront, API Gateway, Lambda, IAM, DynamoDB and logs, SNS and SQS. */
export const DEFAULT_RULES: readonly Rule[] = [
  ...s3Rules,
  ...cloudfrontRules,
  ...apiGatewayRules,
  ...lambdaRules(),
  ...iamRules,
  ...dataRules,
  ...messagingRules,
];

/**
 * Runs `rules` (default {@link DEFAULT_RULES}) on every resource and data source of a synthesized
 * stack. A failing rule with a matching suppression on the resource becomes `suppressed` (when the
 * suppression lists `appliesTo`, only if it covers every finding); a suppression on a passing rule
 * leaves it `pass` and says the suppression is unnecessary.
 */
export function checkStack(json: string | object, options: { rules?: readonly Rule[] } = {}): CheckReport {
  const stack = stackView(json);
  const rules = options.rules ?? DEFAULT_RULES;
  const results: CheckResult[] = [];
  for (const rule of rules) {
    const types = new Set(rule.resourceTypes);
    for (const resource of stack.resources) {
      if (!types.has(resource.mode === 'data' ? `data.${resource.type}` : resource.type)) continue;
      let outcome: RuleOutcome | undefined;
      try {
        outcome = rule.check(resource, stack);
      } catch (error) {
        outcome = { ok: false, message: `the rule could not evaluate this resource: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (outcome === undefined) continue;
      results.push(judge(rule, resource, outcome));
    }
  }
  return {
    results,
    failed: results.filter((r) => r.status === 'fail'),
    suppressed: results.filter((r) => r.status === 'suppressed'),
    passed: results.filter((r) => r.status === 'pass'),
  };
}

function judge(rule: Rule, resource: ResourceView, outcome: RuleOutcome): CheckResult {
  const base = { ruleId: rule.id, ruleSet: rule.ruleSet, title: rule.title, address: resource.address };
  const suppression: Suppression | undefined = resource.suppressions.find((s) => s.ruleId === rule.id);
  if (outcome.ok) {
    const note = suppression ? ` (unnecessary suppression: the rule holds; reason given: "${suppression.reason}")` : '';
    return { ...base, status: 'pass', message: `${outcome.message}${note}` };
  }
  if (!suppression) return { ...base, status: 'fail', message: outcome.message };
  if (suppression.appliesTo) {
    const uncovered = (outcome.findings ?? [outcome.message]).filter((f) => !suppression.appliesTo!.includes(f));
    if (uncovered.length > 0) {
      return {
        ...base,
        status: 'fail',
        message: `${outcome.message} (the suppression covers ${suppression.appliesTo.join(', ')}; not covered: ${uncovered.join(', ')})`,
      };
    }
  }
  return { ...base, status: 'suppressed', message: outcome.message, reason: suppression.reason };
}

const LABEL: Record<CheckStatus, string> = { fail: 'FAIL', suppressed: 'SUPPRESSED', pass: 'PASS' };

/**
 * Plain text, one line per result (failures first, then suppressions, then passes), after a
 * one-line summary: `FAIL CKV_AWS_53 aws_s3_bucket_public_access_block.x: block_public_acls is false; ...`.
 */
export function formatReport(report: CheckReport): string {
  const lines = [`${report.failed.length} failed, ${report.suppressed.length} suppressed, ${report.passed.length} passed`];
  for (const result of [...report.failed, ...report.suppressed, ...report.passed]) {
    const reason = result.status === 'suppressed' ? ` -- suppressed: ${result.reason}` : '';
    lines.push(`${LABEL[result.status]} ${result.ruleId} ${result.address}: ${result.message}${reason} [${result.title}]`);
  }
  return lines.join('\n');
}
