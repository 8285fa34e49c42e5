/**
 * S3 rules. Buckets are configured by separate resources in AWS provider 4+ (public access block,
 * ownership controls, encryption, logging, policy); each rule looks for the one that belongs to the
 * bucket: its `bucket` attribute references the bucket (`${aws_s3_bucket.x.id}`), or equals the
 * bucket's literal `bucket` name.
 */
import { deniesInsecureTransport, readPolicy, statementName } from '../policy';
import { fail, pass, Rule, sameCheck, show } from '../rule';
import { blocks, ResourceView, StackView } from '../stack-view';

const BUCKET = ['aws_s3_bucket'];

/** The resources of `type` that configure `bucket`. */
export function bucketResources(stack: StackView, bucket: ResourceView, type: string): ResourceView[] {
  const name = bucket.body.bucket;
  return stack
    .ofType(type)
    .filter((r) => stack.refersTo(r.body.bucket, bucket) || (typeof name === 'string' && !name.includes('${') && r.body.bucket === name));
}

function flagRule(id: string, flag: string, title: string): Rule {
  return {
    id,
    ruleSet: 'checkov',
    title,
    resourceTypes: ['aws_s3_bucket_public_access_block', 'aws_s3_account_public_access_block'],
    check: (resource) =>
      resource.body[flag] === true
        ? pass(`${flag} = true`)
        : fail(`${flag} is ${show(resource.body[flag])}; it must be true${resource.body[flag] === undefined ? ' (it defaults to false)' : ''}`),
  };
}

/** CKV_AWS_53..56: each of the four public access block flags is on. */
export const publicAccessFlagRules: Rule[] = [
  flagRule('CKV_AWS_53', 'block_public_acls', 'S3 public access block rejects public ACLs (block_public_acls)'),
  flagRule('CKV_AWS_54', 'block_public_policy', 'S3 public access block rejects public bucket policies (block_public_policy)'),
  flagRule('CKV_AWS_55', 'ignore_public_acls', 'S3 public access block ignores existing public ACLs (ignore_public_acls)'),
  flagRule('CKV_AWS_56', 'restrict_public_buckets', 'S3 public access block restricts public buckets to their account (restrict_public_buckets)'),
];

/** CKV2_AWS_6: the bucket has a public access block of its own that blocks public ACLs and policies. */
export const bucketHasPublicAccessBlock: Rule = {
  id: 'CKV2_AWS_6',
  ruleSet: 'checkov',
  title: 'S3 bucket has a public access block (aws_s3_bucket_public_access_block) that blocks public ACLs and policies',
  resourceTypes: BUCKET,
  check: (bucket, stack) => {
    const blocksOfBucket = bucketResources(stack, bucket, 'aws_s3_bucket_public_access_block');
    if (blocksOfBucket.length === 0) return fail('no aws_s3_bucket_public_access_block references this bucket');
    const good = blocksOfBucket.find((b) => b.body.block_public_acls === true && b.body.block_public_policy === true);
    return good
      ? pass(`${good.address} references it with block_public_acls and block_public_policy true`)
      : fail(
          `${blocksOfBucket[0].address} references it but block_public_acls is ${show(blocksOfBucket[0].body.block_public_acls)} and block_public_policy is ${show(blocksOfBucket[0].body.block_public_policy)}`,
        );
  },
};

/** CKV_AWS_19: server-side encryption is configured explicitly. */
export const bucketEncrypted: Rule = {
  id: 'CKV_AWS_19',
  ruleSet: 'checkov',
  title: 'S3 bucket has default server-side encryption configured (SSE-S3 or SSE-KMS)',
  resourceTypes: BUCKET,
  check: (bucket, stack) => {
    const algorithms = ['AES256', 'aws:kms', 'aws:kms:dsse'];
    const inline = bucket.get('server_side_encryption_configuration.rule.apply_server_side_encryption_by_default.sse_algorithm');
    if (typeof inline === 'string' && algorithms.includes(inline)) return pass(`inline server_side_encryption_configuration with sse_algorithm = "${inline}"`);
    const configs = bucketResources(stack, bucket, 'aws_s3_bucket_server_side_encryption_configuration');
    for (const config of configs) {
      for (const rule of blocks(config.body.rule)) {
        const algorithm = blocks(rule.apply_server_side_encryption_by_default)[0]?.sse_algorithm;
        if (typeof algorithm === 'string' && algorithms.includes(algorithm)) return pass(`${config.address} sets sse_algorithm = "${algorithm}"`);
      }
    }
    return configs.length > 0
      ? fail(`${configs[0].address} references it but sets no sse_algorithm of ${algorithms.join(', ')}`)
      : fail('no aws_s3_bucket_server_side_encryption_configuration references this bucket');
  },
};

/** CKV2_AWS_65: ACLs are disabled (object ownership `BucketOwnerEnforced`). */
export const bucketAclsDisabled: Rule = {
  id: 'CKV2_AWS_65',
  ruleSet: 'checkov',
  title: 'S3 bucket has ownership controls with object_ownership = BucketOwnerEnforced (ACLs disabled)',
  resourceTypes: [...BUCKET, 'aws_s3_bucket_ownership_controls'],
  check: (resource, stack) => {
    // checkov reads the ownership controls themselves; the bucket is checked too, so that a bucket without any fails.
    if (resource.type === 'aws_s3_bucket_ownership_controls') {
      const ownership = resource.get('rule.object_ownership');
      return ownership === 'BucketOwnerEnforced'
        ? pass('object_ownership = "BucketOwnerEnforced"')
        : fail(`object_ownership is ${show(ownership)}, not "BucketOwnerEnforced"`);
    }
    const controls = bucketResources(stack, resource, 'aws_s3_bucket_ownership_controls');
    if (controls.length === 0) return fail('no aws_s3_bucket_ownership_controls references this bucket');
    const ownership = controls[0].get('rule.object_ownership');
    return ownership === 'BucketOwnerEnforced'
      ? pass(`${controls[0].address} sets object_ownership = "BucketOwnerEnforced"`)
      : fail(`${controls[0].address} sets object_ownership = ${show(ownership)}, not "BucketOwnerEnforced"`);
  },
};

/** CKV2_AWS_61: a lifecycle configuration (inline `lifecycle_rule` or aws_s3_bucket_lifecycle_configuration). */
export const bucketLifecycle: Rule = {
  id: 'CKV2_AWS_61',
  ruleSet: 'checkov',
  title: 'S3 bucket has a lifecycle configuration (aws_s3_bucket_lifecycle_configuration)',
  resourceTypes: BUCKET,
  check: (bucket, stack) => {
    if (blocks(bucket.body.lifecycle_rule).length > 0) return pass('inline lifecycle_rule');
    const lifecycle = bucketResources(stack, bucket, 'aws_s3_bucket_lifecycle_configuration')[0];
    return lifecycle ? pass(`${lifecycle.address} configures it`) : fail('no aws_s3_bucket_lifecycle_configuration references this bucket');
  },
};

/** AwsSolutions-S10: the bucket policy denies every request that is not over TLS. */
export const bucketRequiresTls: Rule = {
  id: 'AwsSolutions-S10',
  ruleSet: 'cdk-nag',
  title: 'S3 bucket policy denies requests without TLS (Deny with aws:SecureTransport = false on the bucket and its objects)',
  resourceTypes: BUCKET,
  check: (bucket, stack) => {
    const policies = bucketResources(stack, bucket, 'aws_s3_bucket_policy');
    if (policies.length === 0) return fail('no aws_s3_bucket_policy references this bucket, so nothing denies plain-HTTP requests');
    const literalArn = typeof bucket.body.bucket === 'string' && !bucket.body.bucket.includes('${') ? `arn:aws:s3:::${bucket.body.bucket}` : undefined;
    const isBucketArn = (value: string): boolean => stack.refersTo(value, bucket) || (literalArn !== undefined && value.startsWith(literalArn));
    for (const policy of policies) {
      const document = readPolicy(policy.body.policy, stack, `${policy.address}.policy`);
      if (!document.ok) return fail(document.problem);
      const denies = document.statements.find((s) => {
        const allActions = s.actions.some((a) => a === 's3:*' || a === '*');
        const bucketLevel = s.resources.some((r) => isBucketArn(r) && !r.endsWith('/*'));
        const objectLevel = s.resources.some((r) => isBucketArn(r) && r.endsWith('/*'));
        return deniesInsecureTransport(s) && allActions && bucketLevel && objectLevel;
      });
      if (denies) {
        return pass(
          `${document.source} ${statementName(denies, document.statements.indexOf(denies))} denies s3:* to "*" when aws:SecureTransport is false, on the bucket and its objects`,
        );
      }
    }
    return fail(
      `${policies.map((p) => p.address).join(', ')} has no statement that denies s3:* to "*" on the bucket and its objects when aws:SecureTransport is false`,
    );
  },
};

/** CKV_AWS_70: no bucket policy statement allows any principal. */
export const bucketPolicyNoWildcardPrincipal: Rule = {
  id: 'CKV_AWS_70',
  ruleSet: 'checkov',
  title: 'S3 bucket policy allows no action to every principal ("*")',
  resourceTypes: ['aws_s3_bucket_policy'],
  check: (policy, stack) => {
    const document = readPolicy(policy.body.policy, stack, 'policy');
    if (!document.ok) return fail(document.problem);
    const open = document.statements
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.effect === 'Allow' && (s.principals.some((p) => p.identifiers.includes('*')) || (s.notPrincipals ?? []).length > 0));
    return open.length === 0
      ? pass(
          `${document.source}: every Allow statement names its principals (${document.statements.filter((s) => s.effect === 'Allow').length} Allow statements)`,
        )
      : fail(`${document.source}: ${open.map(({ s, i }) => statementName(s, i)).join(', ')} allows principal "*" (or uses NotPrincipal)`);
  },
};

/** CKV_AWS_18 / AwsSolutions-S1: server access logging to a log bucket. */
export const bucketAccessLogging: Rule[] = sameCheck(
  [
    { id: 'CKV_AWS_18', ruleSet: 'checkov' },
    { id: 'AwsSolutions-S1', ruleSet: 'cdk-nag' },
  ],
  'S3 bucket has server access logging to a log bucket (aws_s3_bucket_logging)',
  BUCKET,
  (bucket, stack) => {
    const inline = bucket.get('logging.target_bucket');
    if (typeof inline === 'string' && inline !== '') return pass(`inline logging.target_bucket = ${show(inline)}`);
    const logging = bucketResources(stack, bucket, 'aws_s3_bucket_logging');
    if (logging.length === 0) return fail('no aws_s3_bucket_logging references this bucket');
    const target = logging[0].body.target_bucket;
    return typeof target === 'string' && target !== ''
      ? pass(`${logging[0].address} logs to target_bucket ${show(target)}`)
      : fail(`${logging[0].address} has target_bucket ${show(target)}`);
  },
);

export const s3Rules: Rule[] = [
  bucketHasPublicAccessBlock,
  ...publicAccessFlagRules,
  bucketRequiresTls,
  bucketEncrypted,
  bucketAclsDisabled,
  bucketLifecycle,
  bucketPolicyNoWildcardPrincipal,
  ...bucketAccessLogging,
];
