import { readPolicy } from '../checks/policy';
import { parseReference, stackView } from '../checks/stack-view';
import { iamSummary } from '../review';

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
    for (const value of ['${aws_s3_bucket.site.arn}/*', 'arn:aws:s3:::x', '${aws_a.b.arn}${aws_c.d.arn}', '${jsonencode(local.x)}', '${var.policy}', ' ${aws_a.b.arn}']) {
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
      expect(readPolicy(value, stack, 'policy')).toMatchObject({ ok: true, source: 'data.aws_iam_policy_document.base', statements: [{ actions: ['s3:GetObject'] }] });
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
      aws_iam_role: { worker: { name: 'worker-role', assume_role_policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) } },
      aws_iam_policy: { send: { policy } },
      aws_iam_role_policy_attachment: { send: { role: '${aws_iam_role.worker.name}', policy_arn: '${aws_iam_policy.send.arn}' } },
    },
  });
  expect(iam.grants).toEqual([
    expect.objectContaining({ who: 'role worker-role', actions: ['sqs:SendMessage'], grantedBy: 'aws_iam_role_policy_attachment.send → aws_iam_policy.send' }),
  ]);
});
