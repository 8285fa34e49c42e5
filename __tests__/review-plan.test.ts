import { readdirSync } from 'node:fs';
import { buildReview } from '../review';
import { STATEFUL_TYPES, actionOf, summarizePlan } from '../review/plan';
import { PLAN_FIXTURES, loadPlan, malformedTables, tableRowsAfter } from './fixtures/markdown-tables';

/*
 * The plan section, on real `terraform show -json` files (fixtures/terraform-plans, see its README).
 * Where no real file has a case (no fixture replaces or destroys a table or bucket), a real fixture is
 * loaded and changed in memory; those tests say "derived" in their names.
 */

const MINIMAL_STACK = { '//': { metadata: { stackName: 'plan-test' } }, resource: {} };
const NO_CHECKS = { results: [], failed: [], suppressed: [], passed: [] };
const review = (plan: unknown, planName = 'plan.json') => buildReview({ stack: MINIMAL_STACK, checks: NO_CHECKS, plan, planName });

const ALL = 'terraform__runner__plan__tfplan.json';
const REPLACEMENT = 'terraform__runner__plan_with_deleted_resources__tfplan.json';
const UPDATES = 'terraform__runner__plan_change_keys__tfplan.json';
const NESTED_UPDATE = 'terraform__runner__plan__tf_plan_filtered_rule_fail.json';
const NESTED_UNKNOWN = 'terraform__parser__plan_after_unknown__tfplan.json';
const STATEFUL_CREATES = 'common__runner_registry__plan_with_hcl_for_enrichment__tfplan.json';

test('every fixture file is used, and each gives a well-formed report', () => {
  const files = readdirSync(PLAN_FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort();
  expect(files).toEqual([STATEFUL_CREATES, NESTED_UNKNOWN, NESTED_UPDATE, ALL, UPDATES, REPLACEMENT].sort());
  for (const file of files) {
    const { markdown } = review(loadPlan(file), file);
    expect(markdown).toContain('## Plan');
    expect(malformedTables(markdown)).toEqual([]);
  }
});

describe(`creates of many types, unknown types and outputs (${ALL}, Terraform 0.12)`, () => {
  const plan = loadPlan(ALL);
  const summary = summarizePlan(plan);
  const { markdown, warnings } = review(plan, ALL);

  it('counts 55 creates and nothing else', () => {
    expect(summary.terraformVersion).toBe('0.12.23');
    expect(summary.counts).toMatchObject({ create: 55, update: 0, replace: 0, delete: 0, read: 0, 'no-op': 0, other: 0 });
    expect(markdown).toContain('55 to create, 0 to update in place, 0 to replace, 0 to destroy');
  });

  it('lists every resource, including types the report has no knowledge of (null_resource, neptune, eks, ...)', () => {
    const rows = tableRowsAfter(markdown, '### Changes');
    expect(rows).toHaveLength(55);
    for (const rc of plan.resource_changes) expect(markdown).toContain(`\`${rc.address}\``);
    expect(rows.find((r) => r.includes('`null_resource.'))).toMatch(/^\| create \| `null_resource\.\w+` \| `null_resource` \|/);
  });

  it('shows values known only after apply, and no flag for creating stateful resources', () => {
    const db = summary.changes.find((c) => c.type === 'aws_db_instance')!;
    expect(db.unknownAfterApply).toEqual(expect.arrayContaining(['arn', 'endpoint', 'id']));
    expect(tableRowsAfter(markdown, '### Changes').find((r) => r.includes('`aws_db_instance.'))).toContain('(known after apply): `address`, `arn`');
    expect(summary.dataLoss).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('lists the output changes, unknown ones as (known after apply)', () => {
    expect(summary.outputs).toHaveLength(Object.keys(plan.output_changes).length);
    const rows = tableRowsAfter(markdown, '### Output changes');
    expect(rows).toContain('| `db_endpoint` | create | (known after apply) |');
  });

  it('prints no value of the plan that is a secret (passwords, keys in user_data)', () => {
    expect(markdown).not.toContain(plan.resource_changes.find((r: any) => r.type === 'aws_db_instance').change.after.password);
    expect(markdown).not.toMatch(/AKIA[A-Z0-9]{16}/);
  });
});

describe(`a replacement (${REPLACEMENT}, Terraform 1.2)`, () => {
  const plan = loadPlan(REPLACEMENT);
  const summary = summarizePlan(plan);
  const { markdown, warnings } = review(plan, REPLACEMENT);

  it('counts ["create","delete"] as one replacement, create before destroy', () => {
    expect(plan.resource_changes[0].change.actions).toEqual(['create', 'delete']);
    expect(summary.counts).toMatchObject({ replace: 1, create: 0, delete: 0 });
    expect(summary.changes[0]).toMatchObject({ address: 'aws_secretsmanager_secret.default', action: 'replace', replaceOrder: 'create-before-destroy' });
  });

  it('says the file records no replace_paths, and shows the unknown values', () => {
    expect(plan.resource_changes[0].change.replace_paths).toBeUndefined();
    const row = tableRowsAfter(markdown, '### Changes')[0]!;
    expect(row).toMatch(/^\| \*\*replace\*\* \| `aws_secretsmanager_secret\.default` \|/);
    expect(row).toContain('forces replacement: not recorded in this plan (no replace_paths)');
    expect(row).toContain('`arn`: (none) → (known after apply)');
  });

  it('flags it loudly: a secret is stateful (its value and versions are lost)', () => {
    expect(STATEFUL_TYPES.aws_secretsmanager_secret).toBeDefined();
    expect(warnings).toEqual([`aws_secretsmanager_secret.default will be REPLACED: loses ${STATEFUL_TYPES.aws_secretsmanager_secret}`]);
    expect(markdown).toMatch(/## Summary\n\n> ⚠️ \*\*aws_secretsmanager_secret\.default will be REPLACED/);
    expect(markdown).toContain('### ⚠️ Stateful resources replaced or destroyed');
  });
});

describe(`in-place updates (${UPDATES}, Terraform 1.4; ${NESTED_UPDATE}, Terraform 1.5)`, () => {
  it('lists the changed attributes with before → after', () => {
    const summary = summarizePlan(loadPlan(UPDATES));
    expect(summary.counts).toMatchObject({ update: 2, create: 0, replace: 0 });
    const foo = summary.changes.find((c) => c.address === 'aws_security_group_rule.foo')!;
    expect(foo.attributeChanges).toContainEqual({ path: 'to_port', before: '5432', after: '5433' });
    const bar = summary.changes.find((c) => c.address === 'aws_security_group_rule.bar')!;
    expect(bar.attributeChanges).toContainEqual({ path: 'protocol', before: '"tcp"', after: '"udp"' });
    const { markdown, warnings } = review(loadPlan(UPDATES));
    expect(markdown).toContain('`to_port`: `5432` → `5433`');
    expect(warnings).toEqual([]);
  });

  it('derived: an attribute in before that becomes unknown (absent from after, as Terraform writes it) is listed once', () => {
    const plan = loadPlan(UPDATES);
    const change = plan.resource_changes.find((rc: { address: string }) => rc.address === 'aws_security_group_rule.foo').change;
    change.before.version_id = '';
    change.after_unknown = { ...change.after_unknown, version_id: true };
    delete change.after.version_id;
    const foo = summarizePlan(plan).changes.find((c) => c.address === 'aws_security_group_rule.foo')!;
    expect(foo.attributeChanges.filter((a) => a.path === 'version_id')).toEqual([{ path: 'version_id', before: '""', after: '(known after apply)' }]);
  });

  it('reaches changes inside nested blocks', () => {
    const summary = summarizePlan(loadPlan(NESTED_UPDATE));
    expect(summary.counts.update).toBe(1);
    expect(summary.changes[0]!.attributeChanges).toEqual([
      { path: 'rule[0].abort_incomplete_multipart_upload[0].days_after_initiation', before: '6', after: '7' },
    ]);
  });
});

test(`a nested value known only after apply, with "after": null (${NESTED_UNKNOWN}, Terraform 1.1)`, () => {
  const plan = loadPlan(NESTED_UNKNOWN);
  expect(plan.resource_changes[0].change.after).toBeNull();
  const summary = summarizePlan(plan);
  expect(summary.counts.create).toBe(1);
  expect(summary.changes[0]!.unknownAfterApply).toEqual(['logging_config[0].bucket']);
  expect(review(plan).markdown).toContain('(known after apply): `logging_config[0].bucket`');
});

test(`creating a table, a bucket and a policy is not flagged (${STATEFUL_CREATES}, Terraform 0.13)`, () => {
  const summary = summarizePlan(loadPlan(STATEFUL_CREATES));
  expect(summary.counts.create).toBe(3);
  expect(summary.changes.map((c) => c.type).sort()).toEqual(['aws_dynamodb_table', 'aws_iam_policy', 'aws_s3_bucket']);
  expect(summary.changes.find((c) => c.type === 'aws_dynamodb_table')!.unknownAfterApply).toEqual(expect.arrayContaining(['arn', 'id']));
  expect(summary.dataLoss).toEqual([]);
});

describe('derived from real fixtures (changed in memory, as no fixture has these cases)', () => {
  it('derived: replacing the DynamoDB table, forced by its name (replace_paths), is flagged as data loss', () => {
    const plan = loadPlan(REPLACEMENT);
    const rc = plan.resource_changes[0];
    Object.assign(rc, { type: 'aws_dynamodb_table', address: 'aws_dynamodb_table.contact_table_7A930FCA', name: 'contact_table_7A930FCA' });
    rc.change.actions = ['delete', 'create'];
    rc.change.replace_paths = [['name'], ['attribute', 0, 'type']];
    rc.action_reason = 'replace_because_cannot_update';
    const { markdown, warnings, plan: summary } = review(plan);
    expect(summary!.changes[0]).toMatchObject({ action: 'replace', replaceOrder: 'destroy-before-create', replacePaths: ['name', 'attribute[0].type'] });
    expect(warnings).toEqual(['aws_dynamodb_table.contact_table_7A930FCA will be REPLACED: loses every item in the table']);
    expect(tableRowsAfter(markdown, '### ⚠️ Stateful resources replaced or destroyed')).toEqual([
      '| `aws_dynamodb_table.contact_table_7A930FCA` | **replace** | every item in the table | `name`, `attribute[0].type` |',
    ]);
    expect(markdown).toContain('reason: `replace_because_cannot_update`');
  });

  it('derived: destroying the S3 bucket is flagged; destroying a security group rule is listed but not flagged', () => {
    const plan = loadPlan(UPDATES);
    const [foo, bar] = plan.resource_changes;
    foo.change.actions = ['delete'];
    foo.change.after = null;
    Object.assign(foo, { type: 'aws_s3_bucket', address: 'aws_s3_bucket.site_bucket_7B14A155' });
    bar.change.actions = ['delete'];
    bar.change.after = null;
    const { markdown, warnings, plan: summary } = review(plan);
    expect(summary!.counts).toMatchObject({ delete: 2, update: 0 });
    expect(warnings).toEqual([`aws_s3_bucket.site_bucket_7B14A155 will be DESTROYED: loses ${STATEFUL_TYPES.aws_s3_bucket}`]);
    expect(markdown).toContain('0 to create, 0 to update in place, 0 to replace, 2 to destroy');
    expect(tableRowsAfter(markdown, '### Changes').map((r) => r.split(' | ')[1])).toEqual([
      '`aws_s3_bucket.site_bucket_7B14A155`',
      '`aws_security_group_rule.bar`',
    ]);
  });

  it('derived: a table destroyed while another table is created is flagged as a likely rename, with the moved-block cure', () => {
    const plan = loadPlan(UPDATES);
    const [foo, bar] = plan.resource_changes;
    Object.assign(foo, { type: 'aws_dynamodb_table', name: 'contact_table_7A930FCA', address: 'aws_dynamodb_table.contact_table_7A930FCA' });
    Object.assign(foo.change, { actions: ['delete'], after: null });
    Object.assign(bar, { type: 'aws_dynamodb_table', name: 'contact_messages_0B1C2D3E', address: 'aws_dynamodb_table.contact_messages_0B1C2D3E' });
    Object.assign(bar.change, { actions: ['create'], before: null });
    const { warnings, plan: summary } = review(plan);
    expect(summary!.likelyRenames).toEqual([
      { type: 'aws_dynamodb_table', mode: 'managed', from: 'aws_dynamodb_table.contact_table_7A930FCA', to: 'aws_dynamodb_table.contact_messages_0B1C2D3E' },
    ]);
    expect(warnings).toContain(
      "aws_dynamodb_table.contact_table_7A930FCA is destroyed while aws_dynamodb_table.contact_messages_0B1C2D3E (same type) is created: a likely rename of a construct id or logical name; if so, keep the deployed object with a moved block (moveFromId('aws_dynamodb_table.contact_table_7A930FCA') on the renamed resource)",
    );
  });

  it('derived: a destroy and a create of different types are not a rename', () => {
    const plan = loadPlan(UPDATES);
    const [foo, bar] = plan.resource_changes;
    Object.assign(foo, { type: 'aws_s3_bucket', address: 'aws_s3_bucket.a' });
    Object.assign(foo.change, { actions: ['delete'], after: null });
    Object.assign(bar, { type: 'aws_sqs_queue', address: 'aws_sqs_queue.b' });
    Object.assign(bar.change, { actions: ['create'], before: null });
    expect(review(plan).plan!.likelyRenames).toEqual([]);
  });

  it('derived: no-op, read, forget and action lists Terraform may add later are counted, not crashed on', () => {
    const plan = loadPlan(UPDATES);
    const template = plan.resource_changes[0];
    const variant = (actions: string[], address: string, mode = 'managed') => ({
      ...structuredClone(template),
      address,
      mode,
      change: { ...structuredClone(template.change), actions },
    });
    plan.resource_changes = [
      variant(['no-op'], 'aws_security_group_rule.same'),
      variant(['read'], 'data.aws_iam_policy_document.x', 'data'),
      variant(['forget'], 'aws_security_group_rule.removed'),
      variant(['create', 'forget'], 'aws_security_group_rule.odd'),
    ];
    const { markdown, plan: summary } = review(plan);
    expect(summary!.counts).toMatchObject({ 'no-op': 1, read: 1, forget: 1, other: 1 });
    expect(markdown).toContain('actions `["create","forget"]`');
    expect(markdown).not.toContain('`aws_security_group_rule.same`');
  });

  it('derived: addresses with | and backticks (for_each keys) keep the tables well-formed', () => {
    const plan = loadPlan(UPDATES);
    plan.resource_changes[0].address = 'aws_security_group_rule.by_key["a|b`c"]';
    const { markdown } = review(plan);
    expect(malformedTables(markdown)).toEqual([]);
    expect(markdown).toContain('``aws_security_group_rule.by_key["a\\|b`c"]``');
  });

  it('derived: sensitive values are never printed', () => {
    const plan = loadPlan(UPDATES);
    const change = plan.resource_changes[0].change;
    change.after_sensitive = { ...change.after_sensitive, description: true };
    change.after.description = 'a new description';
    const { markdown } = review(plan);
    expect(markdown).toContain('`description`: (sensitive) → (sensitive)');
    expect(markdown).not.toContain('a new description');
  });
});

describe('a report longer than wanted (a GitHub comment holds 65,536 characters)', () => {
  const plan = loadPlan(ALL);
  const full = review(plan).markdown;

  it('first stops listing created resources, keeping the counts', () => {
    const short = buildReview({ stack: MINIMAL_STACK, checks: NO_CHECKS, plan, planName: 'plan.json', maxLength: full.length - 1 }).markdown;
    expect(short.length).toBeLessThan(full.length);
    expect(short).toContain('55 to create');
    expect(short).toContain('55 created or read resources are counted above but not listed');
    expect(short).not.toContain('`null_resource.');
    expect(malformedTables(short)).toEqual([]);
  });

  it('keeps replacements listed, then cuts whole blocks with a note', () => {
    const replacement = loadPlan(REPLACEMENT);
    const compact = buildReview({ stack: MINIMAL_STACK, checks: NO_CHECKS, plan: replacement, maxLength: 1200 }).markdown;
    expect(compact.length).toBeLessThanOrEqual(1200);
    expect(compact).toContain('aws_secretsmanager_secret.default will be REPLACED');
    expect(compact).toMatch(/\*\*The report was cut at 1200 characters\*\*: run `npm run review` for the whole of it\.\n$/);
    expect(malformedTables(compact)).toEqual([]);
  });
});

describe('input that is not a plan', () => {
  it('is refused with a message that says what is expected', () => {
    expect(() => summarizePlan([])).toThrow(/terraform show -json/);
    expect(() => summarizePlan({ format_version: '1.0', values: { root_module: {} } })).toThrow(/not of the state/);
  });

  it('an empty plan reports no changes', () => {
    const { markdown, plan } = review({ format_version: '1.2', terraform_version: '1.10.0', resource_changes: [] });
    expect(plan!.counts.create).toBe(0);
    expect(markdown).toContain('No resource changes.');
  });
});

test('actionOf maps every documented action list', () => {
  expect(actionOf(['create'])).toBe('create');
  expect(actionOf(['delete', 'create'])).toBe('replace');
  expect(actionOf(['create', 'delete'])).toBe('replace');
  expect(actionOf(['no-op'])).toBe('no-op');
  expect(actionOf([])).toBe('other');
});
