import { repairCdktfHcl } from '../scripts/synth-hcl';

// What cdktf 0.21's HCL renderer writes for a stack with a required_version override and a depends_on.
const RENDERED = `terraform {
  required_providers {
    aws = {
      version = "6.25.0"
      source  = "aws"
    }
  }
  backend "local" {
    path = "state.tfstate"
  }

  0 = "required_version"
}

resource "aws_s3_object" "page" {
  content = "depends_on = [ \\"kept\\" ]"
  depends_on = [
    "aws_s3_bucket.site_bucket_1A2B3C4D",
    "data.aws_iam_policy_document.doc_5E6F",
  ]
}`;

describe('repairCdktfHcl', () => {
  const repaired = repairCdktfHcl(RENDERED, { required_version: '>= 1.10' });

  test("writes the terraform block's attributes back with their values", () => {
    expect(repaired).toContain('  required_version = ">= 1.10"\n}');
    expect(repaired).not.toContain('0 = "required_version"');
  });

  test('unquotes depends_on references, and only those', () => {
    expect(repaired).toContain('  depends_on = [\n    aws_s3_bucket.site_bucket_1A2B3C4D,\n    data.aws_iam_policy_document.doc_5E6F,\n  ]');
    expect(repaired).toContain('content = "depends_on = [ \\"kept\\" ]"');
  });

  test('leaves every other line as it was', () => {
    const changedLines = RENDERED.split('\n').filter((line, i) => repaired.split('\n')[i] !== line);
    expect(changedLines).toEqual(['  0 = "required_version"', '    "aws_s3_bucket.site_bucket_1A2B3C4D",', '    "data.aws_iam_policy_document.doc_5E6F",']);
  });

  test('refuses to guess a value the JSON synth does not hold', () => {
    expect(() => repairCdktfHcl(RENDERED, {})).toThrow('terraform.required_version is not a simple value in the JSON synth');
  });
});
