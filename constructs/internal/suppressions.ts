import { TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';

/**
 * A policy rule that does not hold for one resource by design, with the reason, as written into
 * the synthesized JSON under the resource's `"//"` comment block (`"//": { "suppressions": [...] }`).
 * Terraform ignores `"//"` properties in JSON configuration, so the record changes nothing deployed;
 * `checkStack` (checks/) reads it and reports the rule as `suppressed` with this reason.
 */
export interface RuleSuppression {
  /** The rule id, e.g. `CKV_AWS_59` or `AwsSolutions-IAM5`. */
  readonly ruleId: string;
  /** Why the rule does not hold here; shown in the report. */
  readonly reason: string;
  /**
   * Only these findings of the rule are suppressed (e.g. `Resource::* for xray:PutTraceSegments`
   * for `AwsSolutions-IAM5`); any other finding of the same rule still fails.
   * @default the whole rule, for this resource
   */
  readonly appliesTo?: readonly string[];
}

const recorded = new WeakMap<TerraformResource | TerraformDataSource, RuleSuppression[]>();

/**
 * Records, next to the resource in the synthesized JSON, that `ruleId` does not hold for it by
 * design and why. Call it where the resource is made, so the reason sits with the code it explains.
 *
 * Resources get it through `addOverride('//.suppressions', ...)`, which cdktf merges with the
 * `"//".metadata` it writes. Data sources get their `"//"` replaced by cdktf's metadata, so theirs is
 * written as a stack-level override of `data.<type>.<name>."//".suppressions`, which is merged after.
 * (`Testing.synth` drops every `"//"` block: read suppressions from `cdktf synth` output or
 * `Testing.fullSynth`.)
 */
export function suppressRule(
  resource: TerraformResource | TerraformDataSource,
  ruleId: string,
  reason: string,
  options: { appliesTo?: readonly string[] } = {},
): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(ruleId)) throw new Error(`suppressRule: "${ruleId}" is not a rule id`);
  if (reason.trim().length < 10) throw new Error(`suppressRule: ${ruleId} needs a reason that says why the rule does not hold`);
  if (options.appliesTo && options.appliesTo.length === 0) throw new Error(`suppressRule: ${ruleId} appliesTo is empty; omit it to suppress the whole rule`);
  const list = recorded.get(resource) ?? [];
  const entry: RuleSuppression = { ruleId, reason, ...(options.appliesTo ? { appliesTo: [...options.appliesTo] } : {}) };
  const existing = list.findIndex((item) => item.ruleId === ruleId);
  if (existing >= 0) list[existing] = entry;
  else list.push(entry);
  recorded.set(resource, list);
  const value = list.map((item) => ({ ...item }));
  if (resource instanceof TerraformResource) {
    resource.addOverride('//.suppressions', value);
  } else {
    TerraformStack.of(resource).addOverride(`data.${resource.terraformResourceType}.${resource.friendlyUniqueId}.//.suppressions`, value);
  }
}

/** The suppressions recorded on a resource or data source so far. */
export function suppressionsOf(resource: TerraformResource | TerraformDataSource): readonly RuleSuppression[] {
  return recorded.get(resource) ?? [];
}

/** One row of a construct's table of by-design suppressions. */
export interface SuppressionRow {
  /** The resource; a row whose resource was not made (an opt-in one) is skipped. */
  readonly resource: TerraformResource | TerraformDataSource | undefined;
  /** The rules that do not hold for it, for the same reason. */
  readonly rules: readonly string[];
  readonly reason: string;
  /** Whether the row applies to this configuration. @default true */
  readonly when?: boolean;
  /** Only these findings of the rules (see {@link RuleSuppression.appliesTo}). @default the whole rules */
  readonly appliesTo?: readonly string[];
}

/** Records every row that applies, in order. */
export function applySuppressions(rows: readonly SuppressionRow[]): void {
  for (const row of rows) {
    if (row.when === false || row.resource === undefined) continue;
    for (const rule of row.rules) suppressRule(row.resource, rule, row.reason, row.appliesTo ? { appliesTo: row.appliesTo } : {});
  }
}
