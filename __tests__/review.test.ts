import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkStack } from '../checks';
import { buildReview, formatSize, iamSummary } from '../review';
import { code, table, text } from '../review/markdown';
import { loadPlan, malformedTables, tableRowsAfter } from './fixtures/markdown-tables';
import { copyProject, synthExampleIn } from './support/project-copy';

/* The review of the example stack, synthesized by the app in a fresh folder (as `cdktf synth` does). */

const dir = copyProject('review-');
const json = synthExampleIn(dir);
const stackDir = join(dir, 'cdktf.out', 'stacks', 'contact-site');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const doc = JSON.parse(json);
const checks = checkStack(json);
const readAsset = (path: string): Buffer | undefined => (existsSync(join(stackDir, path)) ? readFileSync(join(stackDir, path)) : undefined);
const { markdown, warnings } = buildReview({ stack: json, checks, readAsset });

const only = (type: string): string => {
  const names = Object.keys(doc.resource[type] ?? {});
  expect(names).toHaveLength(1);
  return `${type}.${names[0]}`;
};
const TABLE = only('aws_dynamodb_table');
const BUCKET = only('aws_s3_bucket');
const DISTRIBUTION = only('aws_cloudfront_distribution');
const FUNCTION = only('aws_lambda_function');
const functionRoleName: string = Object.values<any>(doc.resource.aws_iam_role).find((r) => r.assume_role_policy.includes('lambda.amazonaws.com')).name;

test('has every section, in order, and well-formed tables; no plan section without --plan', () => {
  const headings = markdown.split('\n').filter((line) => line.startsWith('## '));
  expect(headings).toEqual(['## Summary', '## Resources by type', '## Outputs', '## Policy checks', '## IAM permissions', '## Handler zip']);
  expect(markdown.startsWith('# Review of stack `contact-site`\n')).toBe(true);
  expect(malformedTables(markdown)).toEqual([]);
});

test('summary: counts, and every failed check at the top in bold with ⚠️', () => {
  const resources = Object.values<object>(doc.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
  expect(markdown).toContain(`| resources | ${resources} in ${Object.keys(doc.resource).length} types, plus`);
  expect(markdown).toContain(`| policy checks | ${checks.failed.length} failed, ${checks.suppressed.length} suppressed, ${checks.passed.length} passed |`);
  if (checks.failed.length > 0) {
    expect(markdown).toMatch(new RegExp(`## Summary\\n\\n> ⚠️ \\*\\*${checks.failed.length} policy checks? failed`));
    expect(warnings[0]).toContain(checks.failed[0]!.ruleId);
  } else {
    expect(markdown).toContain('No failed policy check');
  }
});

test('resources by type: type, count and names', () => {
  const rows = tableRowsAfter(markdown, '## Resources by type');
  expect(rows).toContain(`| \`aws_dynamodb_table\` | 1 | \`${TABLE.split('.')[1]}\` |`);
  const objects = Object.keys(doc.resource.aws_s3_object).sort();
  expect(rows).toContain(`| \`aws_s3_object\` | ${objects.length} | ${objects.map((n) => `\`${n}\``).join(', ')} |`);
  expect(rows.find((r) => r.startsWith('| `data.aws_iam_policy_document` | 2 |'))).toBeDefined();
  expect(rows).toHaveLength(Object.keys(doc.resource).length + Object.keys(doc.data).length);
});

test('outputs: name (with its construct path), description and value expression', () => {
  const rows = tableRowsAfter(markdown, '## Outputs');
  expect(rows).toHaveLength(Object.keys(doc.output).length);
  const [id, endpoint] = Object.entries<any>(doc.output).find(([name]) => name.startsWith('contact_endpoint'))!;
  expect(rows).toContain(`| \`${id}\` (contact/endpoint) | ${endpoint.description} | \`${endpoint.value}\` |`);
});

test('policy checks: every result with its status, failures first, passes folded away', () => {
  expect(checks.results.length).toBeGreaterThan(10);
  const section = markdown.slice(markdown.indexOf('## Policy checks'), markdown.indexOf('## IAM permissions'));
  for (const r of checks.results) {
    const status = r.status === 'fail' ? '**FAIL**' : r.status;
    expect(section).toContain(`| ${status} | ${code(r.ruleId)} ${text(r.title)} | ${r.ruleSet} | ${code(r.address)} |`);
  }
  const statuses = section
    .split('\n')
    .filter((l) => /^\| (\*\*FAIL\*\*|suppressed|pass) \|/.test(l))
    .map((l) => l.split(' | ')[0]);
  const order = statuses.map((s) => (s === '| **FAIL**' ? 0 : s === '| suppressed' ? 1 : 2));
  expect(order).toEqual([...order].sort());
  if (checks.passed.length > 0) expect(section).toContain(`<details><summary>${checks.passed.length} passed checks</summary>`);
  const suppressed = checks.suppressed[0];
  if (suppressed?.reason) expect(section).toContain(text(`(suppressed: ${suppressed.reason})`));
});

describe('IAM permissions', () => {
  const rows = tableRowsAfter(markdown, '### Permissions granted');

  it('the function role: trusted by Lambda only; PutItem on the table, in one grant, with item actions only', () => {
    expect(tableRowsAfter(markdown, '### Roles and who can assume them')).toContainEqual(
      expect.stringMatching(
        new RegExp(`^\\| \`${functionRoleName}\` \\| \`aws_iam_role\\.[^\`]+\` \\| \`Service lambda\\.amazonaws\\.com\` \\| \`sts:AssumeRole\` \\|`),
      ),
    );
    const onTable = rows.filter((r) => r.includes(`${TABLE}.arn`));
    expect(onTable).toHaveLength(1);
    expect(onTable[0]).toMatch(
      new RegExp(`^\\| role ${functionRoleName} \\| Allow \\| [^|]*\`dynamodb:PutItem\`[^|]* \\| \`${TABLE.replace('.', '\\.')}\\.arn\` \\|`),
    );
    // The role's actions on the table are DynamoDB item actions only (no dynamodb:* or table management).
    expect(
      onTable[0]!
        .split(' | ')[2]!
        .match(/`[^`]+`/g)!
        .every((a) => /^`dynamodb:(PutItem|GetItem|UpdateItem|ConditionCheckItem)`$/.test(a)),
    ).toBe(true);
  });

  it('the bucket policy: CloudFront may read only for this distribution; anyone is denied without TLS', () => {
    const read = rows.find((r) => r.includes('`s3:GetObject`'))!;
    expect(read).toMatch(/^\| Service cloudfront\.amazonaws\.com \| Allow \| `s3:GetObject` \|/);
    expect(read).toContain(`\`${BUCKET}.arn/*\``);
    expect(read).toContain(`\`StringEquals AWS:SourceArn = ${DISTRIBUTION}.arn\``);
    expect(read).toContain('`aws_s3_bucket_policy.');
    expect(rows.find((r) => r.includes('`s3:*`'))).toMatch(/^\| anyone \(\\\*\) \| \*\*Deny\*\* \| `s3:\*` \|.*`Bool aws:SecureTransport = false`/);
  });

  it('the Lambda permission: API Gateway may invoke the function from the POST /contact route only', () => {
    const invoke = rows.find((r) => r.includes('`lambda:InvokeFunction`'))!;
    expect(invoke).toMatch(
      new RegExp(`^\\| apigateway\\.amazonaws\\.com \\| Allow \\| \`lambda:InvokeFunction\` \\| \`${FUNCTION.replace('.', '\\.')}\\.function_name\``),
    );
    expect(invoke).toMatch(/`source_arn = aws_api_gateway_rest_api\.[^`]+\.execution_arn\/prod\/POST\/contact`/);
  });

  it('every statement of every policy in the stack is accounted for', () => {
    const iam = iamSummary(doc);
    expect(iam.unresolved).toEqual([]);
    const statements = (p: string): number => (p.startsWith('${') ? 0 : JSON.parse(p).Statement.length);
    const documents = Object.values<any>(doc.data.aws_iam_policy_document).reduce((n, d) => n + d.statement.length, 0);
    const inline = Object.values<any>(doc.resource.aws_iam_role_policy).reduce((n, p) => n + statements(p.policy), 0);
    expect(iam.grants).toHaveLength(documents + inline + Object.keys(doc.resource.aws_lambda_permission).length);
    expect(rows).toHaveLength(iam.grants.length);
  });
});

test('IAM of a real plan (planned values of terraform__runner__plan__tfplan.json): JSON policies, users, AWS managed policies', () => {
  const plan = loadPlan('terraform__runner__plan__tfplan.json');
  const resource: Record<string, Record<string, any>> = {};
  for (const r of plan.planned_values.root_module.resources) (resource[r.type] ??= {})[r.name] = r.values;
  const iam = iamSummary({ resource });
  expect(iam.roles.map((r) => [r.name, r.principals])).toEqual([
    ['123456789123-acme-corp-role', ['Service ec2.amazonaws.com']],
    ['123456789123-acme-corp-iam-for-eks', ['Service eks.amazonaws.com']],
    ['123456789123-acme-corp-analysis-lambda', ['Service lambda.amazonaws.com']],
  ]);
  expect(iam.grants).toContainEqual(
    expect.objectContaining({
      who: 'user 123456789123-acme-corp-user',
      actions: expect.arrayContaining(['s3:*', 'lambda:*']),
      grantedBy: 'aws_iam_user_policy.userpolicy',
    }),
  );
  expect(iam.grants).toContainEqual(
    expect.objectContaining({
      who: 'role 123456789123-acme-corp-iam-for-eks',
      actions: ['(all of managed policy arn:aws:iam::aws:policy/AmazonEKSClusterPolicy)'],
    }),
  );
  // A resource policy given as `access_policies` (the domain policy) is read too, with its principals.
  const domain = iam.grants.filter((g) => g.grantedBy === 'aws_elasticsearch_domain_policy.monitoring-framework-policy (access_policies)');
  expect(domain.length).toBeGreaterThan(0);
  expect(domain[0]!.who).not.toBe('');
  // The role of this inline policy is only known after apply: reported as such, not dropped.
  expect(iam.grants).toContainEqual(expect.objectContaining({ who: 'role (known after apply)', grantedBy: 'aws_iam_role_policy.ec2policy' }));
});

test('IAM: a policy argument of any resource (a KMS key policy) is a resource policy; non-IAM text is skipped quietly', () => {
  const keyPolicy = { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }] };
  const iam = iamSummary({ resource: { aws_kms_key: { key: { policy: JSON.stringify(keyPolicy) } }, aws_something_new: { x: { policy: 'not json' } } } });
  expect(iam.grants).toEqual([
    expect.objectContaining({ who: 'AWS arn:aws:iam::111122223333:root', actions: ['kms:*'], resources: ['*'], grantedBy: 'aws_kms_key.key' }),
  ]);
  expect(iam.unresolved).toEqual([]);
});

describe('handler zip', () => {
  const fn = Object.values<any>(doc.resource.aws_lambda_function)[0];
  const zip = readFileSync(join(stackDir, fn.filename));

  it('shows the asset path, its size and both hashes, verified equal', () => {
    expect(createHash('sha256').update(zip).digest('base64')).toBe(fn.source_code_hash);
    expect(tableRowsAfter(markdown, '## Handler zip')).toEqual([
      `| \`${FUNCTION}\` | \`${fn.filename}\` | ${formatSize(zip.length)} | \`${fn.source_code_hash}\` | \`${fn.source_code_hash}\` | yes |`,
    ]);
    expect(markdown).toContain(`| handler zip | \`${FUNCTION}\`: ${formatSize(zip.length)}, hash verified |`);
  });

  it('flags a zip that is not the one the hash describes, and a missing zip', () => {
    const tampered = buildReview({ stack: json, checks, readAsset: (path) => (path === fn.filename ? Buffer.concat([zip, Buffer.from([0])]) : undefined) });
    expect(tampered.warnings).toContain(`${FUNCTION}: source_code_hash does not match the zip in the stack folder`);
    expect(tampered.markdown).toContain('**NO** ⚠️');
    expect(tampered.markdown).toMatch(/> ⚠️ \*\*aws_lambda_function\.\S+: source_code_hash does not match/);
    const missing = buildReview({ stack: json, checks, readAsset: () => undefined });
    expect(missing.warnings).toContain(`${FUNCTION}: deployment package ${fn.filename} not found in the stack folder`);
  });
});

test('with a plan: the plan section comes right after the summary, and its counts are in the summary', () => {
  const withPlan = buildReview({ stack: json, checks, readAsset, plan: loadPlan('terraform__runner__plan_change_keys__tfplan.json'), planName: 'plan.json' });
  const headings = withPlan.markdown.split('\n').filter((line) => line.startsWith('## '));
  expect(headings.slice(0, 3)).toEqual(['## Summary', '## Plan', '## Resources by type']);
  expect(withPlan.markdown).toContain('| plan | 0 to create, 2 to update in place, 0 to replace, 0 to destroy (0 unchanged) |');
});

describe('markdown helpers', () => {
  it('code spans survive backticks; tables escape pipes; text escapes emphasis but not intraword underscores', () => {
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`x`')).toBe('`` `x` ``');
    expect(code('')).toBe('` `');
    expect(table(['a', 'b'], [['x|y', code('p|q')]])).toBe('| a | b |\n|---|---|\n| x\\|y | `p\\|q` |');
    expect(text('*bold* _x_ aws_s3_bucket <b>')).toBe('\\*bold\\* \\_x\\_ aws_s3_bucket \\<b\\>');
    expect(table(['a'], [['line1\nline2']])).toContain('| line1 line2 |');
  });
});
