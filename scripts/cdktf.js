#!/usr/bin/env node
// `npm run synth` / `deploy` / `diff` / `destroy`: the cdktf CLI with two defaults that keep its output to
// what matters. CHECKPOINT_DISABLE=1 (unless set): without it the CLI asks checkpoint-api.hashicorp.com for
// news and, offline, prints "[ERROR] ... getaddrinfo ENOTFOUND" before every synth. And a TF_CLI_CONFIG_FILE
// naming a missing file is dropped with a one-line note, since terraform repeats its warning about it once
// per command cdktf runs (a missing file configures nothing, so nothing else changes).
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');

/** The CLI's environment from `env`, and the notes to print about what changed. */
function cdktfEnv(env) {
  const result = { ...env };
  const notes = [];
  if (result.CHECKPOINT_DISABLE === undefined) result.CHECKPOINT_DISABLE = '1';
  if (result.TF_CLI_CONFIG_FILE && !existsSync(result.TF_CLI_CONFIG_FILE)) {
    notes.push(`note: TF_CLI_CONFIG_FILE names a missing file (${result.TF_CLI_CONFIG_FILE}); running cdktf without it.`);
    delete result.TF_CLI_CONFIG_FILE;
  }
  return { env: result, notes };
}

if (require.main === module) {
  const { env, notes } = cdktfEnv(process.env);
  for (const note of notes) process.stderr.write(`${note}\n`);
  const cli = require.resolve('cdktf-cli/bundle/bin/cdktf');
  const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit', env });
  if (result.error) throw result.error;
  process.exitCode = result.status ?? 1;
}

module.exports = { cdktfEnv };
