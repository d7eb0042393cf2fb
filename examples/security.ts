// The security examples of docs/security.md, type-checked by `npm test`.
import { App, Chart } from 'cdk8s';
import { AccessLogs, BookinfoApp, JwtEdge, MeshTelemetry, MtlsMode, MtlsPolicy, WorkloadIdentity, ZeroTrust } from 'cdk8s-istio';

const app = new App();
const chart = new Chart(app, 'secure');
const bookinfo = new BookinfoApp(chart, 'bookinfo', {
  namespace: 'bookinfo', hardening: true, ingressTls: { credentialName: 'bookinfo-cert' },
});
new MtlsPolicy(chart, 'mtls', { namespace: 'bookinfo' });
new MtlsPolicy(chart, 'migrating', { namespace: 'legacy', mode: MtlsMode.PERMISSIVE });
new ZeroTrust(chart, 'zero-trust', { namespace: 'bookinfo', edges: bookinfo.callGraph(WorkloadIdentity.ingressGateway()) })
  .allow(bookinfo.productpage, bookinfo.ratings, { methods: ['GET'] });
new JwtEdge(chart, 'ingress', {
  issuer: 'https://accounts.example.com',
  jwksUri: 'https://accounts.example.com/.well-known/jwks.json',
  paths: ['/api/v1/products*'],
});
new MeshTelemetry(chart, 'mesh', { accessLogs: AccessLogs.ERRORS_ONLY, tracingSamplingPercentage: 10 });
app.synth();
