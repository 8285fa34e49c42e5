import { readPolicy } from '../checks/policy';
import { checkStack } from '../checks';
import { parseReference, stackView } from '../checks/stack-view';
import { buildReview, iamSummary, resolvePolicy } from '../review';

/* The reference helper shared by the policy checks and the review's IAM summary. */

describe('parseReference', () => {
  it('reads a string that is one whole reference to a resource or a data source', () => {
    expect(parseReference('${aws_iam_role.fn_role.arn}')).toEqual({ kind: 'resource', type: 'aws_iam_role', name: 'fn_role', attribute: 'arn' });
    expect(parseReference('${data.aws_iam_policy_document.read-only_1.json}')).toEqual({
      kind: 'data',
      type: 'aws_iam_policy_document',
      name: 'read-only_1',
      attribute: 'json',
    });
    expect(parseReference('${aws_s3_bucket.site.tags["Name"]}')).toMatchObject({ type: 'aws_s3_bucket', name: 'site', attribute: 'tags["Name"]' });
  });

  it('is undefined for anything else: text around the reference, two references, a function call, a variable, not a string', () => {
    for (const value of [
      '${aws_s3_bucket.site.arn}/*',
      'arn:aws:s3:::x',
      '${aws_a.b.arn}${aws_c.d.arn}',
      '${jsonencode(local.x)}',
      '${var.policy}',
      ' ${aws_a.b.arn}',
    ]) {
      expect(parseReference(value)).toBeUndefined();
    }
    expect(parseReference(undefined)).toBeUndefined();
    expect(parseReference({ ref: '${aws_a.b.arn}' })).toBeUndefined();
  });
});

describe('readPolicy follows a policy document reference (via parseReference)', () => {
  const statement = { effect: 'Allow', actions: ['s3:GetObject'], resources: ['*'] };
  const stack = stackView({
    data: {
      aws_iam_policy_document: {
        base: { statement: [statement] },
        outer: { source_policy_documents: ['${data.aws_iam_policy_document.base.json}', '${data.aws_iam_policy_document.gone.json}'] },
      },
    },
  });

  it('.json and .minified_json, with surrounding whitespace', () => {
    for (const value of ['${data.aws_iam_policy_document.base.json}', ' ${data.aws_iam_policy_document.base.minified_json}\n']) {
      expect(readPolicy(value, stack, 'policy')).toMatchObject({
        ok: true,
        source: 'data.aws_iam_policy_document.base',
        statements: [{ actions: ['s3:GetObject'] }],
      });
    }
  });

  it('a missing document, also as a source document; other attributes are expressions it cannot read', () => {
    expect(readPolicy('${data.aws_iam_policy_document.gone.json}', stack, 'policy')).toEqual({
      ok: false,
      problem: 'policy references data.aws_iam_policy_document.gone, which is not in the stack',
    });
    expect(readPolicy('${data.aws_iam_policy_document.outer.json}', stack, 'policy')).toEqual({
      ok: false,
      problem: 'source_policy_documents references data.aws_iam_policy_document.gone, which is not in the stack',
    });
    expect(readPolicy('${data.aws_iam_policy_document.base.id}', stack, 'policy')).toEqual({
      ok: false,
      problem: 'policy is the expression ${data.aws_iam_policy_document.base.id}, which a static check cannot read',
    });
  });
});

test('the review names a role by the reference an attachment holds, and reads an attached aws_iam_policy', () => {
  const policy = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] });
  const iam = iamSummary({
    resource: {
      aws_iam_role: {
        worker: {
          name: 'worker-role',
          assume_role_policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
        },
      },
      aws_iam_policy: { send: { policy } },
      aws_iam_role_policy_attachment: { send: { role: '${aws_iam_role.worker.name}', policy_arn: '${aws_iam_policy.send.arn}' } },
    },
  });
  expect(iam.grants).toEqual([
    expect.objectContaining({ who: 'role worker-role', actions: ['sqs:SendMessage'], grantedBy: 'aws_iam_role_policy_attachment.send → aws_iam_policy.send' }),
  ]);
});

/*
 * One policy parser (readPolicy) for the checks and the review: each case below is a row of the comparison
 * in commit b489abf, where the two used to differ, and what both do now.
 */
describe('the checks and the review read a policy the same way', () => {
  const allow = { effect: 'Allow', actions: ['s3:GetObject'], resources: ['*'] };
  const data = {
    aws_iam_policy_document: {
      base: { statement: [allow] },
      extra: { statement: [{ effect: 'Deny', actions: ['s3:DeleteObject'], resources: ['*'] }] },
      merged: {
        source_policy_documents: ['${data.aws_iam_policy_document.base.json}'],
        override_policy_documents: ['${data.aws_iam_policy_document.extra.json}'],
        statement: [{ effect: 'Allow', actions: ['s3:ListBucket'], resources: ['*'] }],
      },
      anyone: { statement: [{ effect: 'Allow', actions: ['s3:GetObject'], resources: ['*'], principals: [{ type: 'AWS', identifiers: ['*'] }] }] },
      star: { statement: [{ effect: 'Allow', actions: ['s3:GetObject'], resources: ['*'], principals: [{ type: '*', identifiers: ['*'] }] }] },
    },
  };
  const inline = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] });
  const doc = {
    data,
    resource: {
      aws_iam_policy: { p: { policy: inline }, loop: { policy: '${aws_iam_policy.loop.policy}' } },
    },
  };
  const stack = stackView(doc);
  const read = (value: unknown) => readPolicy(value as never, stack, 'policy');
  const review = (value: unknown) => resolvePolicy(doc, value);

  it('source and override documents: their statements are included (source, override, then the own statements)', () => {
    const checks = read('${data.aws_iam_policy_document.merged.json}');
    expect(checks).toMatchObject({
      ok: true,
      statements: [{ actions: ['s3:GetObject'] }, { effect: 'Deny', actions: ['s3:DeleteObject'] }, { actions: ['s3:ListBucket'] }],
    });
    expect(review('${data.aws_iam_policy_document.merged.json}')?.map((s) => s.actions)).toEqual([['s3:GetObject'], ['s3:DeleteObject'], ['s3:ListBucket']]);
  });

  it('anyone: "Principal": "*", {"AWS": "*"} and an AWS or * principals block are the same principal, shown as anyone (*)', () => {
    const json = (principal: unknown) => JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: '*' }] });
    for (const value of [
      json('*'),
      json({ AWS: '*' }),
      json({ AWS: ['*'] }),
      '${data.aws_iam_policy_document.anyone.json}',
      '${data.aws_iam_policy_document.star.json}',
    ]) {
      expect(read(value)).toMatchObject({ ok: true, statements: [{ principals: [{ type: 'AWS', identifiers: ['*'] }] }] });
      expect(review(value)).toEqual([expect.objectContaining({ principals: ['anyone (*)'] })]);
    }
    const not = JSON.stringify({ Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: '*', Resource: '*' }] });
    expect(read(not)).toMatchObject({
      ok: true,
      statements: [{ principals: [], notPrincipals: [{ type: 'AWS', identifiers: ['arn:aws:iam::111122223333:root'] }] }],
    });
    expect(review(not)).toEqual([expect.objectContaining({ principals: ['not AWS arn:aws:iam::111122223333:root'] })]);
  });

  it('number and boolean condition values are kept as strings', () => {
    const value = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 }, Bool: { 'aws:MultiFactorAuthPresent': [true] } },
        },
      ],
    });
    expect(read(value)).toMatchObject({
      ok: true,
      statements: [
        {
          conditions: [
            { test: 'NumericLessThan', variable: 'aws:MultiFactorAuthAge', values: ['3600'] },
            { test: 'Bool', variable: 'aws:MultiFactorAuthPresent', values: ['true'] },
          ],
        },
      ],
    });
    expect(review(value)?.[0]?.conditions).toEqual(['NumericLessThan aws:MultiFactorAuthAge = 3600', 'Bool aws:MultiFactorAuthPresent = true']);
  });

  it('${aws_iam_policy.p.policy} is followed to the policy; a policy that refers to itself or a missing one is not', () => {
    expect(read('${aws_iam_policy.p.policy}')).toMatchObject({ ok: true, source: 'aws_iam_policy.p.policy', statements: [{ actions: ['sqs:SendMessage'] }] });
    expect(review('${aws_iam_policy.p.policy}')).toEqual([expect.objectContaining({ actions: ['sqs:SendMessage'] })]);
    expect(read('${aws_iam_policy.loop.policy}')).toEqual({ ok: false, problem: 'aws_iam_policy.loop includes itself' });
    expect(read('${aws_iam_policy.gone.policy}')).toEqual({ ok: false, problem: 'policy references aws_iam_policy.gone, which is not in the stack' });
    expect(review('${aws_iam_policy.loop.policy}')).toBeUndefined();
  });

  it('{} (no Statement): read, no statements; the review lists it as a policy with no statements', () => {
    expect(read('{}')).toEqual({ ok: true, statements: [], source: 'policy' });
    expect(review('{}')).toEqual([]);
    const summary = iamSummary({ resource: { aws_iam_role_policy: { nothing: { role: 'r', policy: '{}' } } } });
    expect(summary).toMatchObject({ grants: [], unresolved: [], empty: ['aws_iam_role_policy.nothing'] });
  });

  it('a policy given as an object is read; a lowercase "statement" key and ${data...x.id} are not', () => {
    const object = { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] };
    expect(read(object)).toMatchObject({ ok: true, statements: [{ actions: ['sqs:SendMessage'] }] });
    expect(review(object)).toEqual([expect.objectContaining({ actions: ['sqs:SendMessage'] })]);

    const lowercase = JSON.stringify({ statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] });
    const problem = 'policy has a "statement" key: IAM policy JSON keys are case-sensitive ("Statement")';
    expect(read(lowercase)).toEqual({ ok: false, problem });
    expect(review(lowercase)).toBeUndefined();
    expect(read('${data.aws_iam_policy_document.base.id}')).toMatchObject({ ok: false });
    expect(review('${data.aws_iam_policy_document.base.id}')).toBeUndefined();

    const summary = iamSummary({
      data,
      resource: { aws_iam_role_policy: { lower: { role: 'r', policy: lowercase }, id: { role: 'r', policy: '${data.aws_iam_policy_document.base.id}' } } },
    });
    expect(summary.grants).toEqual([]);
    expect(summary.unresolved).toEqual([
      {
        address: 'aws_iam_role_policy.id',
        policy: '${data.aws_iam_policy_document.base.id}',
        problem: 'policy is the expression ${data.aws_iam_policy_document.base.id}, which a static check cannot read',
      },
      { address: 'aws_iam_role_policy.lower', policy: lowercase, problem },
    ]);
  });

  it('NotAction, NotResource: whether they were present is kept, also beside an empty Action', () => {
    const value = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: [], NotAction: 'iam:*', NotResource: 'arn:aws:s3:::x' }] });
    expect(read(value)).toMatchObject({
      ok: true,
      statements: [{ actions: [], notActions: ['iam:*'], resources: [], notResources: ['arn:aws:s3:::x'], notPrincipals: undefined }],
    });
    expect(review(value)).toEqual([expect.objectContaining({ actions: [], notActions: ['iam:*'], resources: [], notResources: ['arn:aws:s3:::x'] })]);
    expect(read(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }))).toMatchObject({
      statements: [{ notActions: undefined, notResources: undefined, notPrincipals: undefined }],
    });
  });

  it('the review report shows NotAction / NotResource as "all except", policies with no statements, and why a policy is unresolved', () => {
    const stackJson = {
      resource: {
        aws_iam_role_policy: {
          except: { role: 'r', policy: JSON.stringify({ Statement: [{ Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::x' }] }) },
          empty: { role: 'r', policy: '{}' },
          lower: { role: 'r', policy: JSON.stringify({ statement: [] }) },
        },
      },
    };
    const { markdown } = buildReview({ stack: stackJson, checks: checkStack(stackJson) });
    expect(markdown).toMatch(/\| role r \| Allow \| all except `iam:\*` \| all except `arn:aws:s3:::x` \|/);
    expect(markdown).toContain('Policies with no statements (they grant nothing): `aws_iam_role_policy.empty`');
    expect(markdown).toMatch(/\| `aws_iam_role_policy.lower` \| .* \| policy has a "statement" key/);
  });
});
