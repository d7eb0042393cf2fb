// One object of every Istio 1.30 and Gateway API v1.5.1 kind, built through the package's namespaces
// with typed specs in upstream spelling. scripts/consumer-test.sh compiles it with --strict against the
// packed library and runs it, and test/imports.test.ts runs it in the repo: each spec must reach the
// manifest exactly as written. The objects form one small valid state, so the analyzer plugin passes it.
import { ApiObject, App, Chart } from 'cdk8s';
import { extensions, gatewayApi, networking, security, telemetry } from 'cdk8s-istio';

const namespace = 'shop';

/** An object and the spec it was given. */
export interface KindCase {
  readonly object: ApiObject;
  readonly spec: unknown;
}

export function everyKind(chart: Chart): KindCase[] {
  const cases: KindCase[] = [];
  const metadata = (name: string) => ({ name, namespace });
  const add = (object: ApiObject, spec: unknown) => cases.push({ object, spec });

  // the workload the policies select and the Services the routes send to
  new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'istio-injection': 'enabled' } } });
  for (const name of ['web', 'api']) {
    const labels = { app: name, version: 'v1' };
    new ApiObject(chart, `${name}-svc`, {
      apiVersion: 'v1', kind: 'Service', metadata: metadata(name),
      spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080 }, { name: 'grpc', port: 9090, appProtocol: 'grpc' }, { name: 'tcp', port: 7000 }] },
    });
    new ApiObject(chart, `${name}-deploy`, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: metadata(`${name}-v1`),
      spec: {
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { serviceAccountName: name, containers: [{ name, image: `registry.example.com/${name}:1.0.0` }] } },
      },
    });
  }

  // networking.istio.io
  const virtualService: networking.VirtualServiceSpec = {
    hosts: ['web'],
    http: [{
      name: 'primary',
      match: [{ uri: { prefix: '/api' }, headers: { 'x-canary': { exact: 'true' } } }],
      route: [{ destination: { host: 'web', subset: 'v1', port: { number: 8080 } }, weight: 100 }],
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure' },
      timeout: '10s',
    }, {
      route: [{ destination: { host: 'web', subset: 'v1', port: { number: 8080 } } }],
    }],
  };
  add(new networking.VirtualService(chart, 'virtual-service', { metadata: metadata('web'), spec: virtualService }), virtualService);

  const destinationRule: networking.DestinationRuleSpec = {
    host: 'web',
    trafficPolicy: {
      connectionPool: { tcp: { maxConnections: 100 }, http: { h2UpgradePolicy: networking.DestinationRuleSpecTrafficPolicyConnectionPoolHttpH2UpgradePolicy.UPGRADE } },
      outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s' },
      loadBalancer: { simple: 'LEAST_REQUEST' },
      tls: { mode: 'ISTIO_MUTUAL' },
    },
    subsets: [{ name: 'v1', labels: { version: 'v1' } }],
  };
  add(new networking.DestinationRule(chart, 'destination-rule', { metadata: metadata('web'), spec: destinationRule }), destinationRule);

  const gateway: networking.GatewaySpec = {
    selector: { istio: 'ingressgateway' },
    servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['shop/web.example.com'] }],
  };
  add(new networking.Gateway(chart, 'gateway', { metadata: metadata('web-gateway'), spec: gateway }), gateway);

  const serviceEntry: networking.ServiceEntrySpec = {
    hosts: ['api.example.com'],
    location: networking.ServiceEntrySpecLocation.MESH_EXTERNAL,
    resolution: 'DNS',
    ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }],
  };
  add(new networking.ServiceEntry(chart, 'service-entry', { metadata: metadata('payments'), spec: serviceEntry }), serviceEntry);

  const sidecar: networking.SidecarSpec = {
    workloadSelector: { labels: { app: 'web' } },
    egress: [{ hosts: ['./*', 'istio-system/*'] }],
    outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
  };
  add(new networking.Sidecar(chart, 'sidecar', { metadata: metadata('web'), spec: sidecar }), sidecar);

  // the patch value is free-form Envoy configuration, in Envoy's snake_case
  const envoyFilter: networking.EnvoyFilterSpec = {
    workloadSelector: { labels: { app: 'web' } },
    configPatches: [{
      applyTo: 'HTTP_FILTER',
      match: { context: 'SIDECAR_INBOUND', listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } } },
      patch: {
        operation: 'INSERT_FIRST',
        value: {
          name: 'envoy.filters.http.local_ratelimit',
          typed_config: {
            '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
            type_url: 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
            value: { stat_prefix: 'http_local_rate_limiter' },
          },
        },
      },
    }],
  };
  add(new networking.EnvoyFilter(chart, 'envoy-filter', { metadata: metadata('web-ratelimit'), spec: envoyFilter }), envoyFilter);

  const workloadEntry: networking.WorkloadEntrySpec = { address: '10.0.0.7', labels: { app: 'legacy' }, serviceAccount: 'legacy' };
  add(new networking.WorkloadEntry(chart, 'workload-entry', { metadata: metadata('legacy-vm'), spec: workloadEntry }), workloadEntry);

  const workloadGroup: networking.WorkloadGroupSpec = {
    metadata: { labels: { app: 'legacy' } },
    template: { serviceAccount: 'legacy', ports: { http: 8080 } },
    probe: { periodSeconds: 5, httpGet: { path: '/ready', port: 8080 } },
  };
  add(new networking.WorkloadGroup(chart, 'workload-group', { metadata: metadata('legacy'), spec: workloadGroup }), workloadGroup);

  const proxyConfig: networking.ProxyConfigSpec = { selector: { matchLabels: { app: 'web' } }, concurrency: 2, environmentVariables: { ISTIO_META_DNS_CAPTURE: 'true' } };
  add(new networking.ProxyConfig(chart, 'proxy-config', { metadata: metadata('web'), spec: proxyConfig }), proxyConfig);

  // security.istio.io
  const authorizationPolicy: security.AuthorizationPolicySpec = {
    selector: { matchLabels: { app: 'web' } },
    action: security.AuthorizationPolicySpecAction.ALLOW,
    // the api workload, and the proxy of the shop Gateway that routes to web
    rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/api', 'cluster.local/ns/shop/sa/shop-istio'] } }], to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }] }],
  };
  add(new security.AuthorizationPolicy(chart, 'authorization-policy', { metadata: metadata('web'), spec: authorizationPolicy }), authorizationPolicy);

  const peerAuthentication: security.PeerAuthenticationSpec = { mtls: { mode: 'STRICT' } };
  add(new security.PeerAuthentication(chart, 'peer-authentication', { metadata: metadata('default'), spec: peerAuthentication }), peerAuthentication);

  const requestAuthentication: security.RequestAuthenticationSpec = {
    selector: { matchLabels: { app: 'web' } },
    jwtRules: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json', forwardOriginalToken: true }],
  };
  add(new security.RequestAuthentication(chart, 'request-authentication', { metadata: metadata('web'), spec: requestAuthentication }), requestAuthentication);

  // telemetry.istio.io
  const telemetrySpec: telemetry.TelemetrySpec = { accessLogging: [{ providers: [{ name: 'envoy' }] }], tracing: [{ randomSamplingPercentage: 10 }] };
  add(new telemetry.Telemetry(chart, 'telemetry', { metadata: metadata('mesh-default'), spec: telemetrySpec }), telemetrySpec);

  // extensions.istio.io
  const wasmPlugin: extensions.WasmPluginSpec = {
    selector: { matchLabels: { app: 'web' } },
    url: 'oci://registry.example.com/filters/auth:1.0.0',
    phase: extensions.WasmPluginSpecPhase.AUTHN,
    pluginConfig: { realm: 'shop', allowed_paths: ['/health'] },
  };
  add(new extensions.WasmPlugin(chart, 'wasm-plugin', { metadata: metadata('auth'), spec: wasmPlugin }), wasmPlugin);

  const trafficExtension: extensions.TrafficExtensionSpec = {
    selector: { matchLabels: { app: 'web' } },
    phase: 'STATS',
    lua: { inlineCode: 'function envoy_on_request(handle) end' },
  };
  add(new extensions.TrafficExtension(chart, 'traffic-extension', { metadata: metadata('count'), spec: trafficExtension }), trafficExtension);

  // gateway.networking.k8s.io
  const gatewayClass: gatewayApi.GatewayClassSpec = { controllerName: 'istio.io/gateway-controller', description: 'Istio' };
  add(new gatewayApi.GatewayClass(chart, 'gateway-class', { metadata: { name: 'shop-istio' }, spec: gatewayClass }), gatewayClass);

  const kubernetesGateway: gatewayApi.GatewaySpec = {
    gatewayClassName: 'istio',
    listeners: [
      { name: 'http', port: 80, protocol: 'HTTP', hostname: 'shop.example.com', allowedRoutes: { namespaces: { from: gatewayApi.GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME } } },
      { name: 'grpc', port: 9090, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } },
      { name: 'tcp', port: 7000, protocol: 'TCP', allowedRoutes: { namespaces: { from: 'Same' } } },
      { name: 'tls', port: 8443, protocol: 'TLS', hostname: 'tls.example.com', tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'Same' } } },
      { name: 'udp', port: 5353, protocol: 'UDP', allowedRoutes: { namespaces: { from: 'Same' } } },
    ],
  };
  add(new gatewayApi.Gateway(chart, 'kubernetes-gateway', { metadata: metadata('shop'), spec: kubernetesGateway }), kubernetesGateway);

  const httpRoute: gatewayApi.HTTPRouteSpec = {
    parentRefs: [{ name: 'shop', sectionName: 'http' }],
    hostnames: ['shop.example.com'],
    rules: [{
      matches: [{ path: { type: gatewayApi.HTTPRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/api' } }],
      backendRefs: [{ name: 'api', port: 8080, weight: 90 }, { name: 'web', port: 8080, weight: 10 }],
      timeouts: { request: '10s' },
    }],
  };
  add(new gatewayApi.HTTPRoute(chart, 'http-route', { metadata: metadata('shop'), spec: httpRoute }), httpRoute);

  const grpcRoute: gatewayApi.GRPCRouteSpec = {
    parentRefs: [{ name: 'shop', sectionName: 'grpc' }],
    rules: [{ matches: [{ method: { service: 'shop.Api', method: 'List' } }], backendRefs: [{ name: 'api', port: 9090 }] }],
  };
  add(new gatewayApi.GRPCRoute(chart, 'grpc-route', { metadata: metadata('api-grpc'), spec: grpcRoute }), grpcRoute);

  const tcpRoute: gatewayApi.TCPRouteSpec = { parentRefs: [{ name: 'shop', sectionName: 'tcp' }], rules: [{ backendRefs: [{ name: 'api', port: 7000 }] }] };
  add(new gatewayApi.TCPRoute(chart, 'tcp-route', { metadata: metadata('api-tcp'), spec: tcpRoute }), tcpRoute);

  const tlsRoute: gatewayApi.TLSRouteSpec = {
    parentRefs: [{ name: 'shop', sectionName: 'tls' }],
    hostnames: ['tls.example.com'],
    rules: [{ backendRefs: [{ name: 'web', port: 8080 }] }],
  };
  add(new gatewayApi.TLSRoute(chart, 'tls-route', { metadata: metadata('web-tls'), spec: tlsRoute }), tlsRoute);

  const udpRoute: gatewayApi.UDPRouteSpec = { parentRefs: [{ name: 'shop', sectionName: 'udp' }], rules: [{ backendRefs: [{ name: 'api', port: 7000 }] }] };
  add(new gatewayApi.UDPRoute(chart, 'udp-route', { metadata: metadata('api-udp'), spec: udpRoute }), udpRoute);

  const referenceGrant: gatewayApi.ReferenceGrantSpec = {
    from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'storefront' }],
    to: [{ group: '', kind: 'Service', name: 'api' }],
  };
  add(new gatewayApi.ReferenceGrant(chart, 'reference-grant', { metadata: metadata('storefront-to-api'), spec: referenceGrant }), referenceGrant);

  const backendTlsPolicy: gatewayApi.BackendTLSPolicySpec = {
    targetRefs: [{ group: '', kind: 'Service', name: 'api' }],
    validation: { hostname: 'api.shop.svc.cluster.local', wellKnownCACertificates: 'System' },
  };
  add(new gatewayApi.BackendTLSPolicy(chart, 'backend-tls-policy', { metadata: metadata('api-tls'), spec: backendTlsPolicy }), backendTlsPolicy);

  const listenerSet: gatewayApi.ListenerSetSpec = {
    parentRef: { name: 'shop' },
    listeners: [{ name: 'extra', port: 8081, protocol: 'HTTP', hostname: 'extra.example.com' }],
  };
  add(new gatewayApi.ListenerSet(chart, 'listener-set', { metadata: metadata('shop-extra'), spec: listenerSet }), listenerSet);

  // gateway.networking.x-k8s.io
  const backendTrafficPolicy: gatewayApi.XBackendTrafficPolicySpec = {
    targetRefs: [{ group: '', kind: 'Service', name: 'api' }],
    sessionPersistence: { sessionName: 'shop-session', type: 'Cookie' },
  };
  add(new gatewayApi.XBackendTrafficPolicy(chart, 'backend-traffic-policy', { metadata: metadata('api'), spec: backendTrafficPolicy }), backendTrafficPolicy);

  const mesh: gatewayApi.XMeshSpec = { controllerName: 'istio.io/mesh-controller', description: 'the shop mesh' };
  add(new gatewayApi.XMesh(chart, 'mesh', { metadata: { name: 'shop-mesh' }, spec: mesh }), mesh);

  return cases;
}

/** The spec of each case that its manifest does not hold exactly, as messages. */
export function specMismatches(cases: KindCase[]): string[] {
  return cases.flatMap(({ object, spec }) => {
    const written = canonical(spec);
    const synthesized = canonical(object.toJson().spec);
    return written === synthesized ? [] : [`${object.kind} ${object.name}: wrote ${written}, synthesized ${synthesized}`];
  });
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map(k => [k, v[k]]))
    : v));
}

if (require.main === module) {
  const app = new App();
  const cases = everyKind(new Chart(app, 'every-kind'));
  const kinds = new Set(cases.map(c => `${c.object.apiVersion.split('/')[0]}/${c.object.kind}`));
  const mismatches = specMismatches(cases);
  if (mismatches.length > 0) {
    console.error(mismatches.join('\n'));
    process.exit(1);
  }
  console.error(`every-kind: ${kinds.size} kinds, each spec synthesized exactly as written`);
  app.synth();
}
