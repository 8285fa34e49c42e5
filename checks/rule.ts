import type { ResourceView, StackView } from './stack-view';

/** What a rule found on one resource. */
export interface RuleOutcome {
  readonly ok: boolean;
  /** Why it holds or not, naming the attribute and its value. */
  readonly message: string;
  /**
   * Stable ids of the individual violations (e.g. `Resource::* for xray:PutTraceSegments`), so a
   * suppression can cover some of them (`appliesTo`) and not others.
   */
  readonly findings?: readonly string[];
}

/** One policy rule, applied to every resource of its `resourceTypes`. */
export interface Rule {
  /** e.g. `CKV_AWS_53`, `AwsSolutions-IAM5`, `CONTACT-APIGW-THROTTLE` */
  readonly id: string;
  /** The public rule set the rule mirrors (its intent, not its code), or `project` for this project's own. */
  readonly ruleSet: 'checkov' | 'cdk-nag' | 'project';
  /** What the rule requires, one line. */
  readonly title: string;
  /** Terraform types it applies to; data sources as `data.<type>`. */
  readonly resourceTypes: readonly string[];
  /** `undefined` when the rule does not apply to this resource. Missing attributes are a failure with a message, never a crash. */
  check(resource: ResourceView, stack: StackView): RuleOutcome | undefined;
}

export const pass = (message: string): RuleOutcome => ({ ok: true, message });
export const fail = (message: string, findings?: readonly string[]): RuleOutcome => ({ ok: false, message, ...(findings ? { findings } : {}) });

/** Renders a JSON value for a message. */
export function show(value: unknown): string {
  if (value === undefined) return 'not set';
  return JSON.stringify(value);
}

/** Several rules that share one check (e.g. a checkov and a cdk-nag id for the same requirement). */
export function sameCheck(
  ids: readonly { id: string; ruleSet: Rule['ruleSet'] }[],
  title: string,
  resourceTypes: readonly string[],
  check: Rule['check'],
): Rule[] {
  return ids.map(({ id, ruleSet }) => ({ id, ruleSet, title, resourceTypes, check }));
}
