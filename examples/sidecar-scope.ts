// The egress scoping example of docs/security.md, type-checked by `npm test` and synthesized by the consumer test:
// Bookinfo's call graph as Sidecars, each workload reaching exactly what it calls, and REGISTRY_ONLY.
import { App, Chart } from 'cdk8s';
import { BookinfoApp, EgressScope, OutboundPolicy, ZeroTrust } from 'cdk8s-istio';

const app = new App();
const chart = new Chart(app, 'bookinfo');
const bookinfo = new BookinfoApp(chart, 'bookinfo', { namespace: 'bookinfo' });
const edges = bookinfo.callGraph();
// who may call whom (AuthorizationPolicies), and whom each may reach (Sidecars): one graph
new ZeroTrust(chart, 'zero-trust', { namespace: 'bookinfo', edges });
new EgressScope(chart, 'egress', { namespace: 'bookinfo', edges, outboundPolicy: OutboundPolicy.REGISTRY_ONLY });
app.synth();
