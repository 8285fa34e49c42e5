import { checkovFiles, checkovInput, checkovSkips, isCheckovId } from '../checks';

const withSuppressions = (suppressions: object[]) => ({ '//': { metadata: { path: 's/x' }, suppressions } });

const STACK = {
  '//': { metadata: { version: '0.21.0' } },
  terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } }, required_version: '>= 1.10' },
  resource: {
    aws_s3_bucket: {
      b: {
        bucket: 'b',
        ...withSuppressions([
          { ruleId: 'CKV_AWS_21', reason: 'rebuilt from\n   source on every deploy' },
          { ruleId: 'AwsSolutions-S1', reason: 'cdk-nag ids are not checkov ids' },
        ]),
      },
    },
    aws_lambda_function: {
      f: {
        function_name: 'f',
        ...withSuppressions([
          { ruleId: 'CKV_AWS_117', reason: 'no private resources' },
          { ruleId: 'CKV_AWS_21', reason: 'another resource, same check' },
        ]),
      },
    },
    aws_api_gateway_stage: {
      s: { stage_name: 'prod', ...withSuppressions([{ ruleId: 'CKV2_AWS_51', reason: 'browsers have no client certificates', appliesTo: ['x'] }]) },
    },
  },
};

test('checkov ids are CKV_* and CKV2_*; cdk-nag and project ids are not', () => {
  expect(['CKV_AWS_21', 'CKV2_AWS_65', 'CKV_GCP_1'].every(isCheckovId)).toBe(true);
  expect(['AwsSolutions-S1', 'CONTACT-APIGW-THROTTLE', 'CKV_AWS_', 'ckv_aws_1'].some(isCheckovId)).toBe(false);
});

test('skips: one per checkov check, in id order, with every resource and reason that asked for it', () => {
  expect(checkovSkips(STACK)).toEqual([
    { checkId: 'CKV2_AWS_51', resources: [{ address: 'aws_api_gateway_stage.s', reason: 'browsers have no client certificates' }] },
    {
      checkId: 'CKV_AWS_21',
      resources: [
        { address: 'aws_lambda_function.f', reason: 'another resource, same check' },
        { address: 'aws_s3_bucket.b', reason: 'rebuilt from\n   source on every deploy' },
      ],
    },
    { checkId: 'CKV_AWS_117', resources: [{ address: 'aws_lambda_function.f', reason: 'no private resources' }] },
  ]);
});

test('the input copy drops only terraform.required_version (checkov issue #7454)', () => {
  const copy = JSON.parse(checkovInput(JSON.stringify(STACK)));
  const { required_version: _dropped, ...terraform } = STACK.terraform;
  expect(copy).toEqual({ ...STACK, terraform });
  expect(STACK.terraform.required_version).toBe('>= 1.10'); // the object passed in is not changed
  expect(JSON.parse(checkovInput({ resource: {} }))).toEqual({ resource: {} });
  expect(() => checkovInput('[]')).toThrow('must be an object');
});

test('the config: terraform_json, the input file, each skip scoped to that file name with its reasons on one comment line each', () => {
  const { config, input, skips } = checkovFiles(STACK, { inputFile: 'out/my stack.checkov.tf.json' });
  expect(skips.map((s) => s.checkId)).toEqual(['CKV2_AWS_51', 'CKV_AWS_21', 'CKV_AWS_117']);
  expect(input).toBe(checkovInput(STACK));
  expect(config).toContain('framework:\n  - terraform_json\nfile:\n  - "out/my stack.checkov.tf.json"\nskip-check:\n');
  expect(config).toContain(
    '  # CKV_AWS_21 aws_lambda_function.f: another resource, same check\n' +
      '  # CKV_AWS_21 aws_s3_bucket.b: rebuilt from source on every deploy\n' +
      '  - "CKV_AWS_21:(^|/)my stack\\\\.checkov\\\\.tf\\\\.json$"\n',
  );
  expect(config).not.toContain('AwsSolutions');
  expect(checkovFiles({ resource: {} }, { inputFile: 'a.json' }).config).not.toContain('skip-check');
  expect(() => checkovFiles(STACK, { inputFile: 'checkov.yaml' })).toThrow('inputFile must name a .json file');
});
