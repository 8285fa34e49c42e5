import { ensureTerraformToolchain } from '../../scripts/terraform-toolchain';

/**
 * Runs once before the terraform suite: finds or builds the Terraform CLI and the AWS provider mirror
 * (a cold provider build takes long; progress goes to stderr), so that the tests only find them.
 */
export default async function globalSetup(): Promise<void> {
  const toolchain = await ensureTerraformToolchain();
  process.stderr.write(`terraform suite: ${toolchain.cli} ${toolchain.cliVersion}, AWS provider ${toolchain.awsProviderVersion ?? 'from the registry'}\n`);
}
