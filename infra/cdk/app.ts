import { App } from 'aws-cdk-lib';
import { addFeedPublisher } from './publisher-app.js';

const app = new App();
addFeedPublisher(app);
app.synth();
