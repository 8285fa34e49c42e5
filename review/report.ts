/**
 * The pull-request review of a synthesized stack (and optionally of its `terraform plan`), as Markdown.
 * Pure: the caller reads the files and runs the policy checks; see scripts/review.ts.
 */
import type { CheckReport, CheckResult } from '../checks';
import { AssetReader, FunctionPackage, formatSize, functionPackages } from './handler-zip';
import { Grant, iamSummary } from './iam';
import { code, codeList, expression, table, text, truncate } from './markdown';
import { KNOWN_AFTER_APPLY, PlanAction, PlanSummary, PlannedChange, summarizePlan } from './plan';
import { TerraformDocument, outputsOf, parseStack, resourcesByType, stackName } from './stack';

export interface ReviewInput {
  /** The stack's cdk.tf.json (text or parsed). */
  readonly stack: string | object;
  /** The policy checks of that stack (checks/ `checkStack`). */
  readonly checks: CheckReport;
  /** Reads a file of the stack folder by its relative path (the handler zip); omitted = not available. */
  readonly readAsset?: AssetReader;
  /** Parsed `terraform show -json` output of a plan of this stack. */
  readonly plan?: unknown;
  /** How to name the plan in the report (its file name). */
  readonly planName?: string;
  /**
   * Longest report wanted, in characters (a GitHub comment holds at most 65,536). Over it, the plan's
   * created and read resources are counted instead of listed; if that is not enough, the report is cut
   * with a note. Replacements, deletions and updates are always listed. @default no limit
   */
  readonly maxLength?: number;
}

export interface Review {
  readonly markdown: string;
  /** The loud findings at the top of the report (check failures, data loss, a zip that does not match its hash). */
  readonly warnings: readonly string[];
  readonly plan?: PlanSummary;
}

const WARNING = '⚠️';

export function buildReview(input: ReviewInput): Review {
  const doc = parseStack(input.stack);
  const plan = input.plan === undefined ? undefined : summarizePlan(input.plan);
  const packages = functionPackages(doc, input.readAsset ?? (() => undefined));
  const warnings = collectWarnings(input.checks, packages, plan);
  const render = (compact: boolean): string => renderReview(doc, input, plan, packages, warnings, compact);
  const max = input.maxLength ?? Infinity;
  let markdown = render(false);
  if (markdown.length > max && plan) markdown = render(true);
  if (markdown.length > max) {
    const note = `\n\n**The report was cut at ${max} characters**: run \`npm run review\` for the whole of it.\n`;
    const cut = markdown.slice(0, Math.max(0, max - note.length));
    // Whole blocks only (cut at a blank line), so that no table loses its header or delimiter row.
    markdown = cut.slice(0, Math.max(0, cut.lastIndexOf('\n\n'))).trimEnd() + note;
  }
  return { markdown, warnings, plan };
}

function renderReview(
  doc: TerraformDocument,
  input: ReviewInput,
  plan: PlanSummary | undefined,
  packages: readonly FunctionPackage[],
  warnings: readonly string[],
  compact: boolean,
): string {
  const sections = [
    `# Review of stack ${code(stackName(doc) ?? 'stack')}`,
    summarySection(doc, input.checks, packages, plan, warnings),
    ...(plan ? [planSection(plan, input.planName, compact)] : []),
    resourcesSection(doc),
    outputsSection(doc),
    checksSection(input.checks),
    iamSection(doc),
    handlerSection(packages),
  ];
  return `${sections.join('\n\n')}\n`;
}

function collectWarnings(checks: CheckReport, packages: readonly FunctionPackage[], plan: PlanSummary | undefined): string[] {
  const warnings: string[] = [];
  if (checks.failed.length > 0) {
    const rules = [...new Set(checks.failed.map((r) => r.ruleId))];
    const shown = rules.length > 8 ? `${rules.slice(0, 8).join(', ')} and ${rules.length - 8} more` : rules.join(', ');
    warnings.push(`${checks.failed.length} policy check${checks.failed.length === 1 ? '' : 's'} failed (${shown}): see Policy checks`);
  }
  for (const change of plan?.dataLoss ?? []) {
    warnings.push(`${change.address} will be ${change.action === 'replace' ? 'REPLACED' : 'DESTROYED'}: loses ${change.dataLoss}`);
  }
  for (const rename of plan?.likelyRenames ?? []) {
    warnings.push(
      `${rename.from} is destroyed while ${rename.to} (same type) is created: a likely rename of a construct id or logical name; if so, keep the deployed object with a moved block (moveFromId('${rename.from}') on the renamed resource)`,
    );
  }
  if (plan?.errored) warnings.push('the plan is marked as errored: it is incomplete');
  for (const pkg of packages) {
    if (pkg.kind === 'zip-file' && !pkg.found) warnings.push(`${pkg.address}: deployment package ${pkg.location} not found in the stack folder`);
    if (pkg.hashMatches === false) warnings.push(`${pkg.address}: source_code_hash does not match the zip in the stack folder`);
  }
  return warnings;
}

function summarySection(
  doc: TerraformDocument,
  checks: CheckReport,
  packages: readonly FunctionPackage[],
  plan: PlanSummary | undefined,
  warnings: readonly string[],
): string {
  const types = resourcesByType(doc);
  const managed = types.filter((t) => t.kind === 'resource');
  const data = types.filter((t) => t.kind === 'data');
  const count = (list: typeof types): number => list.reduce((n, t) => n + t.names.length, 0);
  const rows: string[][] = [
    ['resources', `${count(managed)} in ${managed.length} types, plus ${count(data)} data sources`],
    ['outputs', String(Object.keys(doc.output ?? {}).length)],
    ['policy checks', `${checks.failed.length} failed, ${checks.suppressed.length} suppressed, ${checks.passed.length} passed`],
    ...packages.map((p) => ['handler zip', `${code(p.address)}: ${p.sizeBytes !== undefined ? formatSize(p.sizeBytes) : 'not found'}${hashState(p)}`]),
  ];
  if (plan) rows.push(['plan', planCountsText(plan)]);
  const head =
    warnings.length > 0
      ? warnings.map((w) => `> ${WARNING} **${text(w)}**`).join('\n>\n')
      : `No failed policy check${plan ? ', no stateful resource replaced or destroyed' : ''}${packages.length > 0 ? ', every Lambda zip matches its hash' : ''}.`;
  return `## Summary\n\n${head}\n\n${table(['', ''], rows)}`;
}

function hashState(p: FunctionPackage): string {
  if (p.hashMatches === true) return ', hash verified';
  if (p.hashMatches === false) return `, **hash MISMATCH**`;
  return '';
}

function planCountsText(plan: PlanSummary): string {
  const parts = (['create', 'update', 'replace', 'delete', 'read', 'forget', 'other'] as const)
    .filter((a) => a === 'create' || a === 'update' || a === 'replace' || a === 'delete' || plan.counts[a] > 0)
    .map((a) => `${plan.counts[a]} to ${ACTION_VERB[a]}`);
  return `${parts.join(', ')} (${plan.counts['no-op']} unchanged)`;
}

const ACTION_VERB: Record<PlanAction, string> = {
  create: 'create',
  update: 'update in place',
  replace: 'replace',
  delete: 'destroy',
  read: 'read',
  forget: 'forget',
  other: 'change otherwise',
  'no-op': 'leave unchanged',
};

const ACTION_LABEL: Record<PlanAction, string> = {
  create: 'create',
  update: 'update',
  replace: '**replace**',
  delete: '**destroy**',
  read: 'read',
  forget: 'forget',
  other: 'other',
  'no-op': 'no-op',
};

function planSection(plan: PlanSummary, planName: string | undefined, compact: boolean): string {
  const source = [planName ? code(planName) : 'the plan', plan.terraformVersion ? `Terraform ${text(plan.terraformVersion)}` : undefined]
    .filter(Boolean)
    .join(', ');
  const parts = [`## Plan\n\nFrom ${source}: ${planCountsText(plan)}.`];
  if (plan.driftCount > 0) parts.push(`${plan.driftCount} resource(s) changed outside Terraform since the last apply (resource_drift).`);
  if (plan.dataLoss.length > 0) {
    parts.push(
      `### ${WARNING} Stateful resources replaced or destroyed\n\n` +
        table(
          ['resource', 'action', 'what is lost', 'forced by'],
          plan.dataLoss.map((c) => [code(c.address), ACTION_LABEL[c.action], text(c.dataLoss ?? ''), forcedBy(c)]),
        ),
    );
  }
  const changed = plan.changes.filter((c) => c.action !== 'no-op');
  const listed = compact ? changed.filter((c) => c.action !== 'create' && c.action !== 'read') : changed;
  if (changed.length === 0) parts.push('No resource changes.');
  else {
    const omitted = changed.length - listed.length;
    const note = omitted > 0 ? `\n\n${omitted} created or read resources are counted above but not listed, to keep the report short.` : '';
    const rows = listed.map((c) => [ACTION_LABEL[c.action], code(c.address), code(c.type), changeDetails(c)]);
    parts.push(`### Changes\n\n${rows.length > 0 ? table(['action', 'resource', 'type', 'details'], rows) : ''}${note}`.replace('\n\n\n\n', '\n\n'));
  }
  if (plan.outputs.length > 0) {
    parts.push(
      `### Output changes\n\n${table(
        ['output', 'action', 'value after apply'],
        plan.outputs.map((o) => [code(o.name), o.action, o.after === '' ? '' : o.after === KNOWN_AFTER_APPLY ? text(o.after) : code(o.after)]),
      )}`,
    );
  }
  return parts.join('\n\n');
}

function forcedBy(change: PlannedChange): string {
  if (change.action !== 'replace') return '';
  if (change.replacePaths === undefined) return 'not recorded in this plan (no replace_paths)';
  return change.replacePaths.length > 0 ? codeList(change.replacePaths) : 'none recorded';
}

const MAX_ATTRIBUTES = 8;

function changeDetails(change: PlannedChange): string {
  const details: string[] = [];
  if (change.action === 'replace') {
    details.push(`${change.replaceOrder}; forces replacement: ${forcedBy(change)}`);
    if (change.dataLoss) details.push(`**${WARNING} loses ${text(change.dataLoss)}**`);
  }
  if (change.action === 'delete' && change.dataLoss) details.push(`**${WARNING} loses ${text(change.dataLoss)}**`);
  if (change.actionReason) details.push(`reason: ${code(change.actionReason)}`);
  if (change.action === 'update' || change.action === 'replace') {
    const shown = change.attributeChanges.slice(0, MAX_ATTRIBUTES).map((a) => `${code(a.path)}: ${valueText(a.before)} → ${valueText(a.after)}`);
    if (change.attributeChanges.length > MAX_ATTRIBUTES) shown.push(`+${change.attributeChanges.length - MAX_ATTRIBUTES} more`);
    if (shown.length > 0) details.push(shown.join('; '));
  } else if (change.action === 'create' && change.unknownAfterApply.length > 0) {
    details.push(`${KNOWN_AFTER_APPLY}: ${codeList(change.unknownAfterApply, 6)}`);
  }
  if (change.action === 'other') details.push(`actions ${code(JSON.stringify(change.actions))}`);
  return details.join('<br>');
}

function valueText(value: string): string {
  return value.startsWith('(') ? text(value) : code(value);
}

function resourcesSection(doc: TerraformDocument): string {
  const types = resourcesByType(doc);
  const rows = types.map((t) => [
    code(t.kind === 'data' ? `data.${t.type}` : t.type),
    String(t.names.length),
    codeList(t.names) + (t.repeated.length > 0 ? ` (${codeList(t.repeated)} use count/for_each)` : ''),
  ]);
  return `## Resources by type\n\n${rows.length > 0 ? table(['type', 'count', 'names'], rows) : 'No resources.'}`;
}

function outputsSection(doc: TerraformDocument): string {
  const outputs = outputsOf(doc);
  if (outputs.length === 0) return '## Outputs\n\nNone.';
  const rows = outputs.map((o) => [
    code(o.id) + (o.path ? ` (${text(o.path)})` : ''),
    text(o.description ?? ''),
    o.sensitive ? '(sensitive)' : code(truncate(o.value, 160)),
  ]);
  return `## Outputs\n\n${table(['output', 'description', 'value'], rows)}`;
}

const STATUS_LABEL: Record<CheckResult['status'], string> = { fail: `**FAIL**`, suppressed: 'suppressed', pass: 'pass' };

function checksSection(checks: CheckReport): string {
  const order = { fail: 0, suppressed: 1, pass: 2 } as const;
  const results = [...checks.results].sort(
    (a, b) => order[a.status] - order[b.status] || a.ruleId.localeCompare(b.ruleId) || a.address.localeCompare(b.address),
  );
  if (results.length === 0) return '## Policy checks\n\nNo checks ran.';
  const row = (r: CheckResult): string[] => [
    STATUS_LABEL[r.status],
    `${code(r.ruleId)} ${text(r.title)}`,
    text(r.ruleSet),
    code(r.address),
    text(r.status === 'suppressed' && r.reason ? `${r.message} (suppressed: ${r.reason})` : r.message),
  ];
  const headers = ['status', 'rule', 'rule set', 'resource', 'message / reason'];
  const attention = results.filter((r) => r.status !== 'pass');
  const passed = results.filter((r) => r.status === 'pass');
  const parts = [`## Policy checks\n\n${checks.failed.length} failed, ${checks.suppressed.length} suppressed, ${checks.passed.length} passed.`];
  if (attention.length > 0) parts.push(table(headers, attention.map(row)));
  // Passing checks folded away (GitHub renders <details>; the blank lines let the table inside render).
  if (passed.length > 0) parts.push(`<details><summary>${passed.length} passed checks</summary>\n\n${table(headers, passed.map(row))}\n\n</details>`);
  return parts.join('\n\n');
}

function iamSection(doc: TerraformDocument): string {
  const iam = iamSummary(doc);
  const parts = ['## IAM permissions'];
  if (iam.roles.length > 0) {
    parts.push(
      `### Roles and who can assume them\n\n${table(
        ['role', 'resource', 'assumed by', 'with', 'conditions'],
        iam.roles.map((r) => [code(r.name), code(r.address), codeList(r.principals), codeList(r.actions), codeList(r.conditions.map(expression))]),
      )}`,
    );
  }
  if (iam.grants.length > 0) {
    const rows = [...iam.grants]
      .sort(grantOrder)
      .map((g) => [
        text(g.who),
        g.effect === 'Deny' ? '**Deny**' : 'Allow',
        exceptList(g.actions, g.notActions, (a) => a),
        exceptList(g.resources, g.notResources, expression),
        codeList(g.conditions.map(expression)),
        code(g.grantedBy),
      ]);
    parts.push(`### Permissions granted\n\n${table(['who', 'effect', 'actions', 'on resources', 'conditions', 'granted by'], rows)}`);
  } else {
    parts.push('No permissions are granted by this stack.');
  }
  if (iam.empty.length > 0) {
    parts.push(`Policies with no statements (they grant nothing): ${iam.empty.map(code).join(', ')}`);
  }
  if (iam.unresolved.length > 0) {
    parts.push(
      `Policies whose statements are not in the synthesized JSON (an expression) or cannot be read, shown as written:\n\n${table(
        ['granted by', 'policy', 'why'],
        iam.unresolved.map((u) => [code(u.address), code(truncate(u.policy, 160)), text(u.problem)]),
      )}`,
    );
  }
  return parts.join('\n\n');
}

/** `a`, `b` for a list; `all except `x`` for a Not list (NotAction / NotResource); both when a statement has both. */
function exceptList(values: readonly string[], except: readonly string[] | undefined, show: (value: string) => string): string {
  const shown = codeList(values.map(show));
  if (except === undefined) return shown;
  const all = `all except ${codeList(except.map(show))}`;
  return values.length === 0 ? all : `${shown}; ${all}`;
}

function grantOrder(a: Grant, b: Grant): number {
  return a.who.localeCompare(b.who) || a.grantedBy.localeCompare(b.grantedBy);
}

function handlerSection(packages: readonly FunctionPackage[]): string {
  if (packages.length === 0) return '## Handler zip\n\nNo Lambda function in this stack.';
  const rows = packages.map((p) => [
    code(p.address),
    p.location ? code(p.location) : p.kind,
    p.sizeBytes !== undefined ? formatSize(p.sizeBytes) : p.kind === 'zip-file' ? `**not found**` : `(${p.kind}: not in the stack folder)`,
    p.declaredHash ? code(p.declaredHash) : '',
    p.actualHash ? code(p.actualHash) : '',
    p.hashMatches === true ? 'yes' : p.hashMatches === false ? `**NO** ${WARNING}` : 'not verifiable',
  ]);
  return `## Handler zip\n\n${table(['function', 'package', 'size', 'source_code_hash (stack)', 'SHA-256 of the file (base64)', 'matches'], rows)}`;
}
