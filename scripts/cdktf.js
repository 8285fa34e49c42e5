#!/usr/bin/env node
// `npm run synth` / `deploy` / `diff` / `destroy`: the cdktf CLI with two defaults that keep its output to
// what matters. CHECKPOINT_DISABLE=1 (unless set): without it the CLI asks checkpoint-api.hashicorp.com for
// news and, offline, prints "[ERROR] ... getaddrinfo ENOTFOUND" before every synth. And a TF_CLI_CONFIG_FILE
// naming a missing file is dropped with a one-line note, since terraform repeats its warning about it once
// per command cdktf runs (a missing file configures nothing, so nothing else changes).
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');

const env = { ...process.env };
if (env.CHECKPOINT_DISABLE === undefined) env.CHECKPOINT_DISABLE = '1';
if (env.TF_CLI_CONFIG_FILE && !existsSync(env.TF_CLI_CONFIG_FILE)) {
  process.stderr.write(`note: TF_CLI_CONFIG_FILE names a missing file (${env.TF_CLI_CONFIG_FILE}); running cdktf without it.\n`);
  delete env.TF_CLI_CONFIG_FILE;
}
const cli = require.resolve('cdktf-cli/bundle/bin/cdktf');
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit', env });
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
