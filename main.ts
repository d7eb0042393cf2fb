import { App } from 'cdk8s';
import {
  BlueGreenChart, BookinfoChart, CanaryByHeaderChart, CanaryChart, FaultyTimeoutChart,
  JwtEdgeChart, MtlsStrictChart, TelemetryChart, ZeroTrustChart,
} from './lib';

const app = new App();
const { bookinfo } = new BookinfoChart(app, 'bookinfo');
new BlueGreenChart(app, 'blue-green', { bookinfo });
new CanaryChart(app, 'canary', { bookinfo });
new CanaryByHeaderChart(app, 'canary-by-header', { bookinfo });
new FaultyTimeoutChart(app, 'faulty-timeout', { bookinfo });
new MtlsStrictChart(app, 'mtls-strict', { bookinfo });
new ZeroTrustChart(app, 'zero-trust', { bookinfo });
new JwtEdgeChart(app, 'jwt-edge');
new TelemetryChart(app, 'telemetry');
app.synth();
