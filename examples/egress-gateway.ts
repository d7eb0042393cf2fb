// The egress gateway example of docs/edge-and-egress.md, type-checked by `npm test` and synthesized by the consumer
// test: istio.io's egress gateway tasks, HTTP to edition.cnn.com through Istio's egress gateway (Istio's APIs),
// and with TLS originated at the gateway (the Gateway API, in an app of its own, as an alternative).
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { EgressGateway, TrafficApi, useTrafficApi } from 'cdk8s-istio';

const app = new App();
const chart = new Chart(app, 'egress');
new EgressGateway(chart, 'cnn', { host: 'edition.cnn.com', namespace: 'default', name: 'cnn' });
app.synth();

const tls = new App({ outdir: path.join(app.outdir, 'tls-origination') });
const tlsChart = new Chart(tls, 'egress');
useTrafficApi(tlsChart, TrafficApi.GATEWAY_API);
new EgressGateway(tlsChart, 'cnn', { host: 'edition.cnn.com', namespace: 'egress-tls', name: 'cnn', originateTls: true });
tls.synth();
