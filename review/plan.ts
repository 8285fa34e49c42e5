/**
 * Reading `terraform show -json <planfile>` output: what will be created, updated, replaced, destroyed
 * and read, which attributes change (values known only after apply shown as such, sensitive ones never
 * printed), which attributes force a replacement, and which replacements or deletions lose data.
 *
 * Only the documented JSON plan format is relied on (https://developer.hashicorp.com/terraform/internals/json-format);
 * nothing here depends on a resource type, except the list of stateful types, so types never seen before
 * are reported like any other.
 */

import { likelyRenames, type LikelyRename } from './renames';

export type PlanAction = 'create' | 'update' | 'replace' | 'delete' | 'read' | 'no-op' | 'forget' | 'other';

/** In the order the report lists them: the dangerous ones first. */
export const PLAN_ACTIONS: readonly PlanAction[] = ['replace', 'delete', 'forget', 'update', 'create', 'read', 'other', 'no-op'];

export const KNOWN_AFTER_APPLY = '(known after apply)';
export const SENSITIVE = '(sensitive)';

/**
 * Types whose replacement or deletion loses data or identity that a re-create does not bring back,
 * with what is lost. Creating them loses nothing, and updates in place keep the data.
 */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  aws_dynamodb_table: 'every item in the table',
  aws_dynamodb_global_table: 'every item in the table',
  aws_s3_bucket: 'every object in the bucket (and the bucket name, which someone else may claim)',
  aws_db_instance: 'the database (unless a final snapshot is taken)',
  aws_rds_cluster: 'the database cluster (unless a final snapshot is taken)',
  aws_docdb_cluster: 'the database cluster',
  aws_neptune_cluster: 'the graph database',
  aws_redshift_cluster: 'the data warehouse',
  aws_elasticsearch_domain: 'the search indexes',
  aws_opensearch_domain: 'the search indexes',
  aws_efs_file_system: 'every file on the file system',
  aws_ebs_volume: 'the volume data',
  aws_kms_key: 'the key, and with it everything encrypted under it (after the deletion window)',
  aws_secretsmanager_secret: 'the secret value and its versions',
  aws_cloudwatch_log_group: 'the retained logs',
  aws_cognito_user_pool: 'every user account',
  aws_ecr_repository: 'every image in the repository',
  aws_kinesis_stream: 'the records in the stream',
  aws_sqs_queue: 'the messages in the queue',
  aws_backup_vault: 'the recovery points',
  aws_route53_zone: 'the zone and its name servers (the registrar delegation breaks)',
};

export interface AttributeChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly mode: 'managed' | 'data' | string;
  readonly providerName?: string;
  readonly actions: readonly string[];
  readonly action: PlanAction;
  /** For replacements: whether the new object is created before the old one is destroyed. */
  readonly replaceOrder?: 'create-before-destroy' | 'destroy-before-create';
  /** Attribute paths that force the replacement, when the plan records them (`replace_paths`). */
  readonly replacePaths?: readonly string[];
  readonly actionReason?: string;
  /** What is lost when this replacement or deletion happens; set only for stateful types being replaced or deleted. */
  readonly dataLoss?: string;
  /** Attributes that change (updates and replacements). */
  readonly attributeChanges: readonly AttributeChange[];
  /** Paths of values known only after apply. */
  readonly unknownAfterApply: readonly string[];
}

export interface OutputChange {
  readonly name: string;
  readonly action: PlanAction;
  readonly after: string;
}

export interface PlanSummary {
  readonly terraformVersion?: string;
  readonly formatVersion?: string;
  readonly counts: Readonly<Record<PlanAction, number>>;
  /** Every resource change, no-ops included, sorted by action (dangerous first) then address. */
  readonly changes: readonly PlannedChange[];
  /** Replacements and deletions of stateful types. */
  readonly dataLoss: readonly PlannedChange[];
  /** An address destroyed while another of the same type is created: likely a renamed construct id or logical name. */
  readonly likelyRenames: readonly LikelyRename[];
  readonly outputs: readonly OutputChange[];
  /** Resources changed outside Terraform since the last apply (`resource_drift`). */
  readonly driftCount: number;
  readonly errored: boolean;
}

export function actionOf(actions: readonly string[]): PlanAction {
  const key = actions.join(',');
  switch (key) {
    case 'create':
    case 'update':
    case 'delete':
    case 'read':
    case 'no-op':
    case 'forget':
      return key;
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    default:
      return 'other';
  }
}

/** The parts of `terraform show -json <planfile>` read here (Terraform's JSON output format); any may be missing. */
interface PlanJson {
  readonly resource_changes?: unknown;
  readonly planned_values?: unknown;
  readonly output_changes?: Record<string, RawChange | undefined>;
  readonly resource_drift?: unknown;
  readonly terraform_version?: unknown;
  readonly format_version?: unknown;
  readonly errored?: unknown;
}

/** A `change` object of a resource or output change. */
interface RawChange {
  readonly actions?: unknown;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  readonly replace_paths?: unknown;
}

/** One of `resource_changes`. */
interface RawResourceChange {
  readonly address?: unknown;
  readonly type?: unknown;
  readonly name?: unknown;
  readonly mode?: unknown;
  readonly provider_name?: unknown;
  readonly action_reason?: unknown;
  readonly change?: RawChange;
}

/** A JSON object or array, indexed by key or position. */
type Indexable = Record<string | number, unknown>;

/** Summarizes parsed plan JSON; throws when the value is not a plan. */
export function summarizePlan(plan: unknown): PlanSummary {
  if (!plan || typeof plan !== 'object' || Array.isArray(plan)) throw new Error('plan: expected the JSON object of `terraform show -json <planfile>`');
  const p = plan as PlanJson;
  if (p.resource_changes === undefined && p.planned_values === undefined && p.output_changes === undefined) {
    throw new Error('plan: no resource_changes or planned_values: is this `terraform show -json` of a plan file (not of the state)?');
  }
  if (p.resource_changes !== undefined && !Array.isArray(p.resource_changes)) throw new Error('plan: resource_changes is not a list');
  const counts = Object.fromEntries(PLAN_ACTIONS.map((a) => [a, 0])) as Record<PlanAction, number>;
  const changes = ((p.resource_changes as (RawResourceChange | undefined)[] | undefined) ?? []).map(plannedChange);
  for (const change of changes) counts[change.action]++;
  changes.sort((a, b) => PLAN_ACTIONS.indexOf(a.action) - PLAN_ACTIONS.indexOf(b.action) || compare(a.address, b.address));
  const outputs = Object.keys(p.output_changes ?? {})
    .sort()
    .map((name): OutputChange => {
      const change: RawChange = p.output_changes?.[name] ?? {};
      const actions: string[] = Array.isArray(change.actions) ? change.actions.map(String) : [];
      const after =
        change.after_sensitive === true
          ? SENSITIVE
          : change.after_unknown === true
            ? KNOWN_AFTER_APPLY
            : actionOf(actions) === 'delete'
              ? ''
              : render(change.after);
      return { name, action: actionOf(actions), after };
    });
  return {
    terraformVersion: typeof p.terraform_version === 'string' ? p.terraform_version : undefined,
    formatVersion: typeof p.format_version === 'string' ? p.format_version : undefined,
    counts,
    changes,
    dataLoss: changes.filter((c) => c.dataLoss !== undefined),
    likelyRenames: likelyRenames(
      changes.filter((c) => c.action === 'delete'),
      changes.filter((c) => c.action === 'create'),
    ),
    outputs,
    driftCount: Array.isArray(p.resource_drift) ? p.resource_drift.length : 0,
    errored: p.errored === true,
  };
}

function plannedChange(rc: RawResourceChange | undefined): PlannedChange {
  const change: RawChange = rc?.change ?? {};
  const actions: string[] = Array.isArray(change.actions) ? change.actions.map(String) : [];
  const action = actionOf(actions);
  const type = String(rc?.type ?? 'unknown');
  const unknown = leafPaths(change.after_unknown, (v) => v === true);
  const replacePaths = Array.isArray(change.replace_paths)
    ? change.replace_paths.map((path: unknown) => pathText(Array.isArray(path) ? path : [path]))
    : undefined;
  return {
    address: String(rc?.address ?? `${type}.${rc?.name ?? '?'}`),
    type,
    mode: String(rc?.mode ?? 'managed'),
    providerName: typeof rc?.provider_name === 'string' ? rc.provider_name : undefined,
    actions,
    action,
    replaceOrder: action === 'replace' ? (actions[0] === 'create' ? 'create-before-destroy' : 'destroy-before-create') : undefined,
    replacePaths,
    actionReason: typeof rc?.action_reason === 'string' ? rc.action_reason : undefined,
    dataLoss: (action === 'replace' || action === 'delete') && rc?.mode !== 'data' ? STATEFUL_TYPES[type] : undefined,
    attributeChanges: action === 'update' || action === 'replace' ? attributeChanges(change) : [],
    unknownAfterApply: unknown,
  };
}

/** Leaf-level differences between `before` and `after`; unknown and sensitive values rendered as such. */
function attributeChanges(change: RawChange): AttributeChange[] {
  const out: AttributeChange[] = [];
  const walk = (before: unknown, after: unknown, unknown: unknown, beforeSensitive: unknown, afterSensitive: unknown, path: (string | number)[]): void => {
    if (unknown === true) {
      out.push({ path: pathText(path), before: shown(before, beforeSensitive, path), after: KNOWN_AFTER_APPLY });
      return;
    }
    const container = (v: unknown): boolean => v !== null && typeof v === 'object';
    if (container(before) && container(after) && Array.isArray(before) === Array.isArray(after) && beforeSensitive !== true && afterSensitive !== true) {
      const keys = Array.isArray(before)
        ? Array.from({ length: Math.max(before.length, (after as unknown[]).length) }, (_, i) => i)
        : [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])].sort();
      for (const key of keys) {
        walk((before as Indexable)[key], (after as Indexable)[key], child(unknown, key), child(beforeSensitive, key), child(afterSensitive, key), [
          ...path,
          key,
        ]);
      }
      // Unknown values in neither `before` nor `after` (Terraform leaves them out of `after`); one that is in
      // `before` was walked above.
      if (unknown && typeof unknown === 'object') {
        for (const key of Object.keys(unknown)) {
          if (!(key in (after as object)) && !(key in (before as object)) && (unknown as Indexable)[key] === true && !Array.isArray(unknown)) {
            out.push({
              path: pathText([...path, key]),
              before: shown((before as Indexable)[key], child(beforeSensitive, key), [...path, key]),
              after: KNOWN_AFTER_APPLY,
            });
          }
        }
      }
      return;
    }
    if (JSON.stringify(before) === JSON.stringify(after) && beforeSensitive !== true && afterSensitive !== true) return;
    if (beforeSensitive === true || afterSensitive === true) {
      if (JSON.stringify(before) === JSON.stringify(after)) return;
      out.push({ path: pathText(path), before: SENSITIVE, after: SENSITIVE });
      return;
    }
    out.push({ path: pathText(path), before: shown(before, beforeSensitive, path), after: shown(after, afterSensitive, path) });
  };
  walk(change.before ?? {}, change.after ?? {}, change.after_unknown, change.before_sensitive, change.after_sensitive, []);
  return out;
}

/** Names under which plan values are never printed, even when the provider does not mark them sensitive. */
const SECRET_ATTRIBUTE = /password|secret|token|private_key|key_material|credential/i;

function shown(value: unknown, sensitive: unknown, path: readonly (string | number)[]): string {
  if (sensitive === true) return SENSITIVE;
  if (value === undefined) return '(none)';
  const name = [...path].reverse().find((p): p is string => typeof p === 'string');
  if (typeof value === 'string' && value !== '' && name !== undefined && SECRET_ATTRIBUTE.test(name)) return SENSITIVE;
  return render(value);
}

function render(value: unknown): string {
  if (value === undefined) return '(none)';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 79)}…` : json;
}

function child(value: unknown, key: string | number): unknown {
  if (value === true) return true;
  if (value && typeof value === 'object') return (value as Indexable)[key];
  return undefined;
}

/** Paths of the leaves of `value` for which `test` holds: `logging_config[0].bucket`. */
export function leafPaths(value: unknown, test: (leaf: unknown) => boolean, path: (string | number)[] = []): string[] {
  if (value !== null && typeof value === 'object') {
    const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value).sort();
    return keys.flatMap((key) => leafPaths((value as Indexable)[key], test, [...path, key]));
  }
  return test(value) ? [pathText(path)] : [];
}

export function pathText(path: readonly unknown[]): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : /^[A-Za-z_][\w-]*$/.test(String(part)) ? `${i === 0 ? '' : '.'}${part}` : `[${JSON.stringify(part)}]`,
    )
    .join('');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
