// Where a synth's time goes, for the synth benchmark: `node phases.js example|empty` synthesizes the
// compiled example (lib/main.js) or the empty stack of empty-app.js, and prints the end of each phase
// in ms since the process started, as JSON on stdout.
const { join } = require('node:path');

const which = process.argv[2];
const marks = { start: performance.now() };
const { App, TerraformStack } = require('cdktf');
marks.cdktf = performance.now();
let build;
if (which === 'example') {
  const { ContactSiteStack, readConfig } = require(join(__dirname, '..', '..', 'lib', 'main.js'));
  build = (app) => new ContactSiteStack(app, 'contact-site', readConfig(app));
} else if (which === 'empty') {
  const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
  build = (app) => new AwsProvider(new TerraformStack(app, 'contact-site'), 'aws', { region: 'us-east-1' });
} else {
  throw new Error('usage: node phases.js example|empty');
}
marks.modules = performance.now();
const app = new App();
build(app);
marks.construct = performance.now();
app.synth();
marks.synth = performance.now();
process.stdout.write(JSON.stringify(marks));
