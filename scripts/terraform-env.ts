/**
 * `npm run -s terraform:env [-- --stack-dir DIR] [--offline]`: prints `export NAME=value` lines after which
 * `terraform init` (or `cdktf diff`/`deploy`) works with no registry, building what is missing first (progress
 * on stderr). `eval "$(npm run -s terraform:env)"` in a shell; the tests and CI use the same function.
 *
 * --stack-dir DIR  also writes DIR/aws_provider_version_override.tf.json when the mirror's provider is not the
 *                  version DIR's cdk.tf.json pins (cdk.tf.json itself is never changed)
 * --offline        build the provider even where the registry is reachable
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AWS_PROVIDER_VERSION_OVERRIDE_FILE, ensureTerraformToolchain, useMirroredProvider } from './terraform-toolchain';

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { 'stack-dir': { type: 'string' }, offline: { type: 'boolean' } },
    strict: true,
    allowPositionals: false,
  });
  const stackDir = values['stack-dir'];
  if (stackDir === '') throw new Error('--stack-dir needs a folder (the one holding cdk.tf.json)');

  const toolchain = await ensureTerraformToolchain({ offline: values.offline });
  for (const [name, value] of Object.entries(toolchain.env)) process.stdout.write(`export ${name}=${shellQuote(value)}\n`);
  if (toolchain.awsProviderVersion) {
    process.stdout.write(`export CONTACT_SITE_AWS_PROVIDER_VERSION=${shellQuote(toolchain.awsProviderVersion)}\n`);
  }
  if (stackDir && toolchain.awsProviderVersion) {
    if (!existsSync(join(stackDir, 'cdk.tf.json'))) throw new Error(`${join(stackDir, 'cdk.tf.json')} does not exist: synthesize first (npm run synth)`);
    const { pinned, overridden } = useMirroredProvider(toolchain, stackDir);
    if (overridden) {
      process.stderr.write(
        `${join(stackDir, 'cdk.tf.json')} pins the AWS provider ${pinned ?? '(no version)'}; the mirror holds ${toolchain.awsProviderVersion}, so ` +
          `${AWS_PROVIDER_VERSION_OVERRIDE_FILE} beside it asks for that one (delete it to go back to the pin).\n`,
      );
    }
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`terraform:env: ${error.message}\n`);
  process.exit(1);
});
