/**
 * `npm run doctor -- [options]`: after a deploy, checks the live site and API the way a browser sees them
 * (DNS, TLS, HTTP; no AWS credentials) and says what to fix. See `--help` and the README's "After deploying";
 * the checks are in ./doctor/, one file per layer.
 */
import { run } from './doctor/index';

export { run, EXIT } from './doctor/index';

if (require.main === module) {
  void run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`doctor: unexpected failure: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
