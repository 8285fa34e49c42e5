// Where a synth's time goes, for the synth benchmark: `node phases.js example|handwritten|empty` synthesizes the
// compiled example (lib/main.js), the compiled hand-written app (its path in BENCH_HANDWRITTEN_APP, with
// BENCH_HANDLER_ZIP and BENCH_SITE_DIR as it reads them) or the empty stack of empty-app.js, and prints the end of
// each phase in ms since the process started, and the number of modules loaded by then, as JSON on stdout.
const { join } = require('node:path');

const which = process.argv[2];
const marks = { start: performance.now() };
const modules = {};
const mark = (phase) => {
  marks[phase] = performance.now();
  modules[phase] = Object.keys(require.cache).length;
};
const { App, TerraformStack } = require('cdktf');
mark('cdktf');
let build;
if (which === 'example') {
  const { ContactSiteStack, readConfig } = require(join(__dirname, '..', '..', 'lib', 'main.js'));
  build = (app) => new ContactSiteStack(app, 'contact-site', readConfig(app));
} else if (which === 'handwritten') {
  const { HandwrittenContactSiteStack } = require(process.env.BENCH_HANDWRITTEN_APP);
  const options = { handlerZip: process.env.BENCH_HANDLER_ZIP, siteDir: process.env.BENCH_SITE_DIR };
  build = (app) => new HandwrittenContactSiteStack(app, 'contact-site', options);
} else if (which === 'empty') {
  const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
  build = (app) => new AwsProvider(new TerraformStack(app, 'contact-site'), 'aws', { region: 'us-east-1' });
} else {
  throw new Error('usage: node phases.js example|handwritten|empty');
}
mark('modules');
const app = new App();
build(app);
mark('construct');
app.synth();
mark('synth');
process.stdout.write(JSON.stringify({ ...marks, modulesLoaded: modules }));
