// Online Boutique's Istio manifests (GoogleCloudPlatform/microservices-demo istio-manifests/), type-checked by
// `npm test` and synthesized by the consumer test: egress to Google's APIs and the GCE metadata server, the
// frontend at the ingress gateway, and the frontend's in-mesh route. The app's Services are its own; here the
// frontend's, as the app defines it.
import { ApiObject, App, Chart } from 'cdk8s';
import { ExternalProtocol, ExternalService, IngressGateway, MeshService, ServiceRoute } from 'cdk8s-istio';

const app = new App();
const chart = new Chart(app, 'boutique');
const labels = { app: 'frontend' };
new ApiObject(chart, 'frontend-deployment', {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'frontend', namespace: 'default' },
  spec: {
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name: 'server', image: 'us-central1-docker.pkg.dev/google-samples/microservices-demo/frontend:v0.10.3', ports: [{ containerPort: 8080 }] }] } },
  },
});
const frontend = MeshService.fromService(new ApiObject(chart, 'frontend-service', {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'frontend', namespace: 'default' },
  spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
}));

const webPorts = [{ number: 80, protocol: ExternalProtocol.HTTP, name: 'http' }, { number: 443, protocol: ExternalProtocol.HTTPS, name: 'https' }];
new ExternalService(chart, 'googleapis', { name: 'allow-egress-googleapis', namespace: 'default', hosts: ['accounts.google.com', '*.googleapis.com'], ports: webPorts });
new ExternalService(chart, 'google-metadata', {
  name: 'allow-egress-google-metadata', namespace: 'default', hosts: ['metadata.google.internal'], addresses: ['169.254.169.254'], ports: webPorts,
});
new IngressGateway(chart, 'frontend-gateway', { name: 'frontend-gateway', namespace: 'default', service: frontend, routeName: 'frontend-ingress', httpPort: 80 });
new ServiceRoute(chart, 'frontend', { service: frontend, routes: [{ destinations: [{}] }] });
app.synth();
