// The baseline of the synth benchmark: the same runner synthesizing a stack with only the AWS provider.
const { App, TerraformStack } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');

const app = new App();
const stack = new TerraformStack(app, 'contact-site');
new AwsProvider(stack, 'aws', { region: 'us-east-1' });
app.synth();
