import { App } from 'cdk8s';
import { BlueGreenChart, BookinfoChart, CanaryByHeaderChart, CanaryChart, FaultyTimeoutChart } from './lib';

const app = new App();
const { bookinfo } = new BookinfoChart(app, 'bookinfo');
new BlueGreenChart(app, 'blue-green', { bookinfo });
new CanaryChart(app, 'canary', { bookinfo });
new CanaryByHeaderChart(app, 'canary-by-header', { bookinfo });
new FaultyTimeoutChart(app, 'faulty-timeout', { bookinfo });
app.synth();
