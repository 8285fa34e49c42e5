import { likelyRenames, parseAddress } from '../review/renames';

const objects = (...addresses: string[]) => addresses.map(parseAddress);

describe('likely renames', () => {
  it('pairs a removed address with the added one of the same type sharing the longest name prefix', () => {
    const renames = likelyRenames(
      objects('aws_s3_bucket.site_bucket_7B14A155', 'aws_s3_bucket.site_logs_bucket_11111111'),
      objects('aws_s3_bucket.site_logs_bucket_22222222', 'aws_s3_bucket.site_bucket_33333333'),
    );
    expect(renames.map((r) => `${r.from} -> ${r.to}`)).toEqual([
      'aws_s3_bucket.site_bucket_7B14A155 -> aws_s3_bucket.site_bucket_33333333',
      'aws_s3_bucket.site_logs_bucket_11111111 -> aws_s3_bucket.site_logs_bucket_22222222',
    ]);
  });

  it('keeps types and modes apart, and leaves an address without a partner alone', () => {
    const renames = likelyRenames(
      objects('aws_s3_bucket.a', 'data.aws_iam_policy_document.p', 'aws_sqs_queue.q1', 'aws_sqs_queue.q2'),
      objects('aws_iam_policy_document.p2', 'data.aws_iam_policy_document.p3', 'aws_sqs_queue.q3'),
    );
    expect(renames).toEqual([
      { type: 'aws_sqs_queue', mode: 'managed', from: 'aws_sqs_queue.q1', to: 'aws_sqs_queue.q3' },
      { type: 'aws_iam_policy_document', mode: 'data', from: 'data.aws_iam_policy_document.p', to: 'data.aws_iam_policy_document.p3' },
    ]);
  });

  it('reads type and mode from plain addresses', () => {
    expect(parseAddress('data.aws_route53_zone.zone')).toEqual({ address: 'data.aws_route53_zone.zone', mode: 'data', type: 'aws_route53_zone' });
    expect(parseAddress('aws_s3_bucket.b')).toEqual({ address: 'aws_s3_bucket.b', mode: 'managed', type: 'aws_s3_bucket' });
  });
});
