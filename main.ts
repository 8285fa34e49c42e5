import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

const app = new App();
const stack = new TerraformStack(app, 'contact-site');
new AwsProvider(stack, 'aws', { region: 'us-east-1' });
app.synth();
