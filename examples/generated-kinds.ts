// "Anything the blocks don't cover" (docs/generated-constructs.md): generated classes beside the blocks, type-checked by `npm test`.
import { App, Chart } from 'cdk8s';
import { BookinfoApp, gatewayApi, networking, security } from 'cdk8s-istio';

const app = new App();
const chart = new Chart(app, 'custom');
new BookinfoApp(chart, 'bookinfo', { namespace: 'bookinfo' });

// productpage's sidecar knows only its namespace's hosts and istio-system's, and reaches nothing else
new networking.Sidecar(chart, 'productpage-egress', {
  metadata: { name: 'productpage', namespace: 'bookinfo' },
  spec: {
    workloadSelector: { labels: { app: 'productpage' } },
    egress: [{ hosts: ['./*', 'istio-system/*'] }],
    outboundTrafficPolicy: { mode: networking.SidecarSpecOutboundTrafficPolicyMode.REGISTRY_ONLY },
  },
});

// nobody deletes ratings; a plain string is a wire value too
new security.AuthorizationPolicy(chart, 'ratings-no-delete', {
  metadata: { name: 'ratings-no-delete', namespace: 'bookinfo' },
  spec: {
    selector: { matchLabels: { app: 'ratings' } },
    action: 'DENY',
    rules: [{ to: [{ operation: { methods: ['DELETE'], ports: ['9080'] } }] }],
  },
});

// HTTPRoutes of the storefront namespace may send to Bookinfo's productpage Service
new gatewayApi.ReferenceGrant(chart, 'storefront-to-productpage', {
  metadata: { name: 'storefront-to-productpage', namespace: 'bookinfo' },
  spec: {
    from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'storefront' }],
    to: [{ group: '', kind: 'Service', name: 'productpage' }],
  },
});
app.synth();
