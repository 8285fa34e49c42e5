/**
 * `npm run submissions -- [options]`: lists or exports the contact form's stored submissions (CSV or JSON
 * lines, newest first). See `--help` and the README's "Reading the messages"; the logic is in ./submissions/.
 */
import { run } from './submissions/index';

export { run } from './submissions/index';

if (require.main === module) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
