/** Types of scripts/cdktf.js (plain JavaScript so that `npm run synth` starts without tsx). */
/** The cdktf CLI's environment from `env` (checkpoint off, a missing TF_CLI_CONFIG_FILE dropped) and the notes to print. */
export declare function cdktfEnv(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; notes: string[] };
