import { join } from 'node:path';
import { mapFrameworkLiterals, retargetRelativeImports } from '../scripts/build';
import { missingFrameworkMessage, missingPackages, REQUIRED_PACKAGES } from '../constructs/internal/framework';

describe('the CDK Terrain build', () => {
  it('maps the framework, its provider deep paths and the entry name, in requires and declarations', () => {
    const compiled = [
      'const cdktf_1 = require("cdktf");',
      'const s3_bucket_1 = require("@cdktf/provider-aws/lib/s3-bucket");',
      "import { TerraformAsset } from 'cdktf';",
      "exports.ENTRY_POINT = 'cdktf-contact-site';",
    ].join('\n');
    expect(mapFrameworkLiterals(compiled)).toBe(
      [
        'const cdktf_1 = require("cdktn");',
        'const s3_bucket_1 = require("@cdktn/provider-aws/lib/s3-bucket");',
        "import { TerraformAsset } from 'cdktn';",
        "exports.ENTRY_POINT = 'cdktf-contact-site/cdktn';",
      ].join('\n'),
    );
  });

  it('leaves longer strings, other packages and deep paths of the entry name alone', () => {
    const untouched = [
      'const a = "cdktf synth";',
      'const b = require("constructs");',
      'const c = require("cdktf-cli");',
      'const d = "cdktf-contact-site/checks";',
      'const e = `cdktf`;',
      'const f = require("@cdktf/provider-google/lib/x");',
    ].join('\n');
    expect(mapFrameworkLiterals(untouched)).toBe(untouched);
  });

  it('points relative imports that leave the copied folder back at their targets', () => {
    const lib = '/pkg/lib';
    const from = join(lib, 'constructs', 'internal', 'cors.js');
    const to = join(lib, 'cdktn', 'constructs', 'internal', 'cors.js');
    const source = 'require("../../shared/origins"); require("./names"); require("../static-site"); import("../../handlers/bundle");';
    expect(retargetRelativeImports(source, from, to, join(lib, 'constructs'))).toBe(
      'require("../../../shared/origins"); require("./names"); require("../static-site"); import("../../../handlers/bundle");',
    );
  });
});

describe('the framework check on load', () => {
  it('names each missing package once, without the deep path', () => {
    expect(missingPackages(() => 'found')).toEqual([]);
    const missing = missingPackages((id) => {
      if (id !== 'constructs') throw new Error(`Cannot find module '${id}'`);
      return id;
    });
    expect(missing).toEqual(['cdktf', '@cdktf/provider-aws']);
    expect(REQUIRED_PACKAGES).toContain('constructs');
  });

  it('says what to install for either framework', () => {
    const message = missingFrameworkMessage(['cdktf', '@cdktf/provider-aws']);
    expect(message).toMatch(/^cdktf-contact-site cannot load: cdktf, @cdktf\/provider-aws are not installed\./);
    expect(message).toContain('npm install cdktf@^0.21 @cdktf/provider-aws@^21');
    expect(message).toContain('npm install cdktn@^0.24 @cdktn/provider-aws@^25');
    expect(message).toContain('"cdktf-contact-site/cdktn"');
  });
});
