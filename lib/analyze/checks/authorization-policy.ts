import { ROOT_NAMESPACE } from '../../private/mesh-defaults';
import { check, Check, Finding, Severity } from '../finding';
import { gatewayPolicies, workloadPolicies } from '../model/attachment';
import { ASSUMED } from '../model/defaults';
import { groupBy, Mesh, Workload } from '../model/mesh';
import { inMesh } from '../model/pods';
import { Manifest } from '../read/manifest';
import { labelsMatch, objects, selectorString, strings } from '../read/values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  authorizationSelectsNothing: check('CI240', Severity.WARNING, 'IST0127', 'AuthorizationPolicy that matches no workload in the mesh',
    'an AuthorizationPolicy that matches no workload in the mesh: its selector (mesh-wide in `istio-system`), or, without one, no mesh workload in its namespace. A workload is in the mesh as istioctl decides (an `istio-proxy` container, `sidecar.istio.io/inject`, the namespace\'s `istio-injection`, ambient redirection) and, for input not yet deployed, in a namespace labelled `istio.io/rev` or ambient'),
  authorizationNamespaceNotFound: check('CI241', Severity.ERROR, 'IST0101', 'AuthorizationPolicy source namespace that the input does not have',
    'an AuthorizationPolicy source namespace (or `notNamespaces`, wildcards matched) that no object of the input is in'),
  ztunnelRefusesForwarder: check('CI262', Severity.ERROR, '-', 'in an ambient namespace, the policies ztunnel enforces admit no identity of the proxy that forwards the requests (the waypoint, or an ingress gateway that bypasses it)',
    'in an ambient namespace, the ALLOW AuthorizationPolicies ztunnel enforces for a Service\'s pods (no `targetRefs`) admit no identity of the proxy that forwards its requests: its waypoint (`istio.io/use-waypoint` on the Namespace or Service), which forwards every request as `cluster.local/ns/<ns>/sa/<waypoint>` (an allow-nothing beside policies attached to the waypoint refuses them all), or an Istio ingress Gateway whose HTTPRoute sends to the Service without `istio.io/ingress-use-waypoint=true`, as `<ns>/sa/<gateway>-istio`'),
  calleeRefusesGateway: check('CI264', Severity.ERROR, '-', 'a route bound to a gateway sends to a host whose AuthorizationPolicies admit no request from that gateway\'s proxy (403 for every request through it)',
    'a route bound to a gateway (a VirtualService listing it, an HTTPRoute with it as parent) sends to a host whose ALLOW policies, as the destination\'s sidecars apply them, admit no request from the gateway\'s proxy: Istio\'s ingress gateway (`istio-system/istio-ingressgateway-service-account`, or the ServiceAccount of the pods the input shows), or `<gateway>-istio` for a Gateway API gateway; every request through the gateway gets 403'),
  ingressRefusesOutside: check('CI263', Severity.ERROR, '-', 'the AuthorizationPolicies that apply to an ingress gateway\'s proxy admit no client from outside the mesh (they require mesh identities, or allow nothing)',
    'the ALLOW AuthorizationPolicies that apply to an ingress gateway\'s proxy admit no client from outside the mesh (every rule requires a mesh identity, or there are none): a Gateway API Gateway of class `istio` that routes to Services, whose proxy runs in its own namespace and gets that namespace\'s selector-less policies (a namespace default deny) as istiod attaches them; or Istio\'s ingress gateway (`istio: ingressgateway`) under the root namespace\'s policies'),
} satisfies Record<string, Check>;

// istioctl 1.30's AuthorizationPolicy analyzer (authz/authorizationpolicies.go): policies whose selector
// matches no workload in the mesh, and source namespaces that do not exist.


function noMatchingWorkloads(meshPods: Map<string, Workload[]>, knownNamespaces: ReadonlySet<string>, policy: Manifest): Finding | undefined {
  const labels = policy.object.spec?.selector?.matchLabels;
  const selector: Record<string, string> | undefined = labels && typeof labels === 'object' ? labels : (policy.object.spec?.selector ? {} : undefined);
  const selects = (pods: Workload[]) => pods.some(w => labelsMatch(selector ?? {}, w.labels));
  const describe = selector ? selectorString(selector) : '';
  if (policy.namespace === ROOT_NAMESPACE) {
    // a mesh-wide policy: without a selector it applies everywhere; with one, to matching pods of any namespace
    return selector && ![...meshPods.values()].some(selects) ? policy.finding(CODES.authorizationSelectsNothing, `no workload in the mesh matches selector ${describe}`, ['spec', 'selector']) : undefined;
  }
  const local = meshPods.get(policy.namespace) ?? [];
  if (local.length === 0 && !knownNamespaces.has(policy.namespace)) {
    return undefined; // a namespace the input does not describe: its workloads are not in the input to select
  }
  if (!selector) {
    return local.length === 0 ? policy.finding(CODES.authorizationSelectsNothing, `no workload in the mesh runs in namespace ${policy.namespace}`) : undefined;
  }
  return selects(local) ? undefined : policy.finding(CODES.authorizationSelectsNothing, `no workload in the mesh in namespace ${policy.namespace} matches selector ${describe}`, ['spec', 'selector']);
}

function namespaceMatches(namespace: string, pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return namespace.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return namespace.startsWith(pattern.slice(0, -1));
  return namespace.toLowerCase() === pattern.toLowerCase();
}

function unknownNamespaces(mesh: Mesh, policy: Manifest): Finding[] {
  // the policy's own namespace exists: the policy is in it
  const known = [...mesh.knownNamespaces, policy.namespace];
  const findings: Finding[] = [];
  objects(policy.object.spec?.rules).forEach((rule, i) => objects(rule.from).forEach((from, j) => {
    for (const field of ['namespaces', 'notNamespaces']) {
      strings(from.source?.[field]).forEach((ns, k) => {
        if (!known.some(n => namespaceMatches(n, ns))) {
          findings.push(policy.finding(CODES.authorizationNamespaceNotFound, `source namespace '${ns}' is not a namespace of the input`, ['spec', 'rules', i, 'from', j, 'source', field, k]));
        }
      });
    }
  }));
  return findings;
}

/** IST0127, IST0101: AuthorizationPolicies that select no workload of the mesh, or name namespaces that do not exist. */
export function checkAuthorizationPolicies(mesh: Mesh): Finding[] {
  const meshPods = groupBy(mesh.workloads.filter(w => inMesh(mesh, w)), w => w.namespace);
  const findings: Finding[] = [];
  for (const policy of mesh.ofKind('security.istio.io', 'AuthorizationPolicy')) {
    // a policy attached by targetRefs applies to a Gateway, Service or waypoint, not to pods it selects
    const attached = policy.object.spec?.targetRef || policy.object.spec?.targetRefs;
    const none = attached ? undefined : noMatchingWorkloads(meshPods, mesh.knownNamespaces, policy);
    if (none) findings.push(none);
    findings.push(...unknownNamespaces(mesh, policy));
  }
  return findings;
}

// Our own check, on the policies istiod gives a gateway's proxy (attachment.ts): clients outside the mesh
// carry no peer identity, so a rule that requires one (principals, namespaces) never admits them.

/** Whether a source requires a mesh peer identity: it names principals or namespaces. */
function requiresPeer(source: any): boolean {
  return Array.isArray(source?.principals) || Array.isArray(source?.namespaces);
}

/** Whether an ALLOW policy admits nothing from outside the mesh: no rules, or each rule requires a peer identity. */
function refusesOutside(policy: Manifest): boolean {
  return objects(policy.object.spec?.rules).every(rule => rule.when === undefined
    && objects(rule.from).length > 0 && objects(rule.from).every(f => requiresPeer(f.source)));
}

/** Whether an HTTPRoute of the input sends the gateway's requests to a Service: it is an ingress, not an egress gateway. */
function routesIntoCluster(mesh: Mesh, gateway: Manifest): boolean {
  return mesh.routes.some(route => objects(route.object.spec?.parentRefs)
    .some(p => (p.kind ?? 'Gateway') === 'Gateway' && p.name === gateway.name && (p.namespace ?? route.namespace) === gateway.namespace)
    && objects(route.object.spec?.rules).some(rule => objects(rule.backendRefs).some(b => (b.kind ?? 'Service') === 'Service')));
}

/** The ALLOW policies that apply to an ingress gateway's proxy, with the advice for its kind; undefined for other gateways. */
function ingressPolicies(mesh: Mesh, gateway: Manifest): { policies: Manifest[]; remedy: string } | undefined {
  const ingress = gateway.group === 'gateway.networking.k8s.io'
    ? gateway.object.spec?.gatewayClassName === 'istio' && routesIntoCluster(mesh, gateway)
    // Istio's ingress gateway by its default label; egress and east-west gateways serve mesh clients
    : gateway.object.spec?.selector?.istio === 'ingressgateway';
  if (!ingress) return undefined;
  const allows = mesh.ofKind('security.istio.io', 'AuthorizationPolicy').filter(p => (p.object.spec?.action ?? 'ALLOW') === 'ALLOW');
  return {
    policies: gatewayPolicies(allows, gateway),
    remedy: gateway.group === 'gateway.networking.k8s.io'
      ? 'attach an ALLOW policy for its clients to the Gateway (targetRefs; ZeroTrust.allowIngress does)'
      : 'add an ALLOW policy for its clients that selects the gateway\'s pods',
  };
}

/** CI263: the ALLOW policies that apply to an ingress gateway's proxy admit no request from outside the mesh. */
export function checkIngressAdmitsOutside(mesh: Mesh): Finding[] {
  const gateways = [...mesh.kubernetesGateways.values(), ...mesh.gateways.values()];
  return gateways.flatMap(gateway => {
    const applied = ingressPolicies(mesh, gateway);
    if (!applied || applied.policies.length === 0 || !applied.policies.every(refusesOutside)) return [];
    return [gateway.finding(CODES.ingressRefusesOutside,
      `${gateway.kind} ${gateway.namespace}/${gateway.name} takes requests from clients outside the mesh, which carry no peer identity; the ALLOW policies `
      + `that apply to its proxy (${applied.policies.map(p => `${p.namespace}/${p.name}`).join(', ')}) admit only mesh identities or nothing, `
      + `so it refuses every such client: ${applied.remedy}`)];
  });
}

// Our own check, after ztunnel's inbound authorization (istio/ztunnel src/state.rs `assert_rbac`) and
// istiod's conversion of AuthorizationPolicies for ztunnel (pilot/pkg/serviceregistry/ambient/
// authorization.go): a waypoint forwards each request to the pods under its own identity, and the
// destination's ztunnel checks it against every policy without targetRefs that applies to the pod.

/** Source fields ztunnel can check that this check does not model; a source using one might admit the waypoint. */
const UNMODELLED_SOURCE = ['notPrincipals', 'notNamespaces', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts', 'requestPrincipals', 'notRequestPrincipals'];

function matchesPattern(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

/** Whether `source` may match requests from `sender`: false only when its principals or namespaces exclude it. */
function sourceMayAdmit(source: any, sender: Sender): boolean {
  if (UNMODELLED_SOURCE.some(field => source[field] !== undefined)) {
    return true;
  }
  const principal = `cluster.local/ns/${sender.namespace}/sa/${sender.serviceAccount}`;
  // principals match with any trust domain the mesh accepts: compare from `/ns/` on when the pattern names one
  const principalOk = source.principals === undefined
    || strings(source.principals).some(p => matchesPattern(p, principal) || (p.includes('/ns/') && matchesPattern(p.slice(p.indexOf('/ns/')), principal.slice(principal.indexOf('/ns/')))));
  const namespaceOk = source.namespaces === undefined || strings(source.namespaces).some(n => matchesPattern(n, sender.namespace));
  return principalOk && namespaceOk;
}

/** Whether an ALLOW policy has a rule that may admit `sender`; conditions (`when`) count as may. */
function mayAdmit(policy: Manifest, sender: Sender): boolean {
  return objects(policy.object.spec?.rules).some(rule => {
    const from = objects(rule.from);
    return rule.when !== undefined || from.length === 0 || from.some(f => sourceMayAdmit(f.source ?? {}, sender));
  });
}

/** The policies ztunnel enforces for pods labelled `labels` in `namespace`. */
function ztunnelPolicies(byNamespace: Map<string, Manifest[]>, namespace: string, labels: Record<string, string>): Manifest[] {
  return workloadPolicies([...byNamespace.get(namespace) ?? [], ...(namespace === ROOT_NAMESPACE ? [] : byNamespace.get(ROOT_NAMESPACE) ?? [])], labels);
}

/** A proxy whose identity reaches an ambient service's pods through ztunnel, and what the message says of it. */
interface Sender {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** `waypoint shop/waypoint (namespace label istio.io/use-waypoint)` */
  readonly describe: string;
  /** `the waypoint forwards` */
  readonly forwards: string;
  readonly remedy: string;
}

const WAYPOINT_REMEDY = 'allow the waypoint\'s principal in a policy without targetRefs, and attach the callers\' policies to the waypoint or the Service';

/** Services of the input in ambient namespaces, each with the proxies whose identity its pods see. */
function senders(mesh: Mesh): Array<{ service: Manifest; sender: Sender }> {
  const found: Array<{ service: Manifest; sender: Sender }> = [];
  for (const service of mesh.ofKind('', 'Service')) {
    const waypoint = mesh.waypointOf(service);
    if (waypoint) {
      found.push({ service, sender: { namespace: waypoint.namespace, serviceAccount: waypoint.name, describe: `waypoint ${waypoint.namespace}/${waypoint.name} (${waypoint.via})`, forwards: 'the waypoint forwards', remedy: WAYPOINT_REMEDY } });
    }
  }
  for (const route of mesh.routes.filter(r => r.kind === 'HTTPRoute')) {
    found.push(...ingressSenders(mesh, route));
  }
  return found;
}

/**
 * An Istio ingress Gateway that an HTTPRoute sends to Services of ambient namespaces: it reaches their pods
 * under its own identity, unless the Service sends ingress traffic through its waypoint.
 */
function ingressSenders(mesh: Mesh, route: Manifest): Array<{ service: Manifest; sender: Sender }> {
  const gateways = objects(route.object.spec?.parentRefs)
    .filter(p => (p.kind ?? 'Gateway') === 'Gateway' && (p.group ?? 'gateway.networking.k8s.io') === 'gateway.networking.k8s.io')
    .map(p => mesh.kubernetesGateways.get(`${p.namespace ?? route.namespace}/${p.name}`))
    .filter((g): g is Manifest => g !== undefined && g.object.spec?.gatewayClassName === 'istio');
  const backends = objects(route.object.spec?.rules).flatMap(rule => objects(rule.backendRefs))
    .filter(b => (b.kind ?? 'Service') === 'Service' && (b.group ?? '') === '' && typeof b.name === 'string')
    .map(b => mesh.services.get(mesh.fqdn(b.name, b.namespace ?? route.namespace)))
    .filter((s): s is Manifest => s !== undefined && mesh.isAmbient(s.namespace) && !mesh.ingressUsesWaypoint(s));
  return gateways.flatMap(gateway => [...new Set(backends)].map(service => {
    const waypoint = mesh.waypointOf(service);
    return {
      service,
      sender: {
        namespace: gateway.namespace,
        // Istio's managed gateways run as <name>-<class> unless annotated
        serviceAccount: gateway.object.metadata?.annotations?.['gateway.istio.io/service-account'] ?? `${gateway.name}-istio`,
        describe: `ingress gateway ${gateway.namespace}/${gateway.name} (HTTPRoute ${route.namespace}/${route.name}${waypoint ? `, bypassing waypoint ${waypoint.name}` : ''})`,
        forwards: 'the gateway sends',
        remedy: waypoint
          ? 'label the Service or its Namespace istio.io/ingress-use-waypoint=true so ingress traffic goes through the waypoint, or allow the gateway\'s principal in a policy without targetRefs'
          : 'allow the gateway\'s principal in a policy without targetRefs',
      },
    };
  }));
}

/**
 * CI262: the AuthorizationPolicies ztunnel enforces for an ambient service's pods admit no identity of the
 * proxy that forwards its requests: its waypoint, or an ingress gateway that does not go through it.
 */
export function checkZtunnelAdmitsForwarders(mesh: Mesh): Finding[] {
  const byNamespace = new Map<string, Manifest[]>();
  for (const p of mesh.ofKind('security.istio.io', 'AuthorizationPolicy')) {
    byNamespace.set(p.namespace, [...byNamespace.get(p.namespace) ?? [], p]);
  }
  const reported = new Set<string>();
  const findings: Finding[] = [];
  for (const { service, sender } of senders(mesh)) {
    const selector = service.object.spec?.selector;
    const pods = selector && typeof selector === 'object' ? mesh.workloadsSelectedBy(service.namespace, selector) : [];
    for (const { labels } of pods) {
      const allows = ztunnelPolicies(byNamespace, service.namespace, labels).filter(p => (p.object.spec?.action ?? 'ALLOW') === 'ALLOW');
      const principal = `cluster.local/ns/${sender.namespace}/sa/${sender.serviceAccount}`;
      const key = `${service.namespace}/${principal}/${allows.map(p => `${p.namespace}/${p.name}`).join(',')}`;
      if (allows.length === 0 || allows.some(p => mayAdmit(p, sender)) || reported.has(key)) continue;
      reported.add(key);
      findings.push(allows[0].finding(CODES.ztunnelRefusesForwarder,
        `pods in namespace ${service.namespace} receive their requests from ${sender.describe}, as ${principal}; the ALLOW policies ztunnel enforces for them `
        + `(${allows.map(p => `${p.namespace}/${p.name}`).join(', ')}) admit no such identity, so ztunnel refuses every request ${sender.forwards}: ${sender.remedy}`));
    }
  }
  return findings;
}

// Our own check: a route bound to a gateway reaches its destinations' pods from the gateway's proxy,
// under the gateway's identity, which the policies their sidecars apply must admit. (In ambient
// namespaces ztunnel and waypoints enforce them: CI262.)

/** The identities of an Istio Gateway's proxies: the input's pods it selects, else Istio's default ingress gateway. */
function istioGatewaySenders(mesh: Mesh, gateway: Manifest): Sender[] {
  const selector = gateway.object.spec?.selector;
  if (!selector || typeof selector !== 'object') return [];
  const pods = [...mesh.knownNamespaces, ROOT_NAMESPACE].flatMap(ns => mesh.workloadsSelectedBy(ns, selector));
  const described = pods.filter(p => !ASSUMED.has(p.manifest));
  const base = { forwards: 'the gateway sends', remedy: 'allow the gateway\'s principal in the destination\'s ALLOW policy' };
  if (described.length > 0) {
    return [...new Map(described.map(p => {
      const account = p.manifest.object.spec?.template?.spec?.serviceAccountName ?? p.manifest.object.spec?.serviceAccountName ?? 'default';
      return [`${p.namespace}/${account}`, { ...base, namespace: p.namespace, serviceAccount: account, describe: `gateway ${gateway.namespace}/${gateway.name}` }];
    })).values()];
  }
  return pods.length > 0 && selector.istio === 'ingressgateway'
    ? [{ ...base, namespace: ROOT_NAMESPACE, serviceAccount: 'istio-ingressgateway-service-account', describe: `gateway ${gateway.namespace}/${gateway.name} (Istio's ingress gateway)` }]
    : [];
}

/** The gateways a route binds to, each with its proxies' identities, and the Services the route sends to. */
function gatewayRoutes(mesh: Mesh): Array<{ route: Manifest; senders: Sender[]; services: Manifest[] }> {
  const found: Array<{ route: Manifest; senders: Sender[]; services: Manifest[] }> = [];
  for (const vs of mesh.virtualServices) {
    const gateways = strings(vs.object.spec?.gateways).filter(g => g !== 'mesh')
      .map(g => mesh.gateways.get(g.includes('/') ? g : `${vs.namespace}/${g}`)).filter((g): g is Manifest => g !== undefined);
    const hosts = objects(vs.object.spec?.http).flatMap(h => objects(h.route)).map(r => r.destination?.host).filter((h): h is string => typeof h === 'string');
    const services = hosts.map(h => mesh.services.get(mesh.fqdn(h, vs.namespace))).filter((s): s is Manifest => s !== undefined);
    if (gateways.length > 0) found.push({ route: vs, senders: gateways.flatMap(g => istioGatewaySenders(mesh, g)), services });
  }
  for (const route of mesh.routes.filter(r => r.kind === 'HTTPRoute')) {
    const backends = objects(route.object.spec?.rules).flatMap(rule => objects(rule.backendRefs))
      .filter(b => (b.kind ?? 'Service') === 'Service' && (b.group ?? '') === '' && typeof b.name === 'string')
      .map(b => mesh.services.get(mesh.fqdn(b.name, b.namespace ?? route.namespace))).filter((s): s is Manifest => s !== undefined);
    const senders = objects(route.object.spec?.parentRefs)
      .filter(p => (p.kind ?? 'Gateway') === 'Gateway')
      .map(p => mesh.kubernetesGateways.get(`${p.namespace ?? route.namespace}/${p.name}`))
      .filter((g): g is Manifest => g !== undefined && g.object.spec?.gatewayClassName === 'istio')
      .map(g => ({ namespace: g.namespace, serviceAccount: g.object.metadata?.annotations?.['gateway.istio.io/service-account'] ?? `${g.name}-istio`,
        describe: `gateway ${g.namespace}/${g.name}`, forwards: 'the gateway sends', remedy: 'allow the gateway\'s principal in the destination\'s ALLOW policy' }));
    if (senders.length > 0) found.push({ route, senders, services: backends });
  }
  return found;
}

/** CI264: every request through a gateway to a host gets 403, because the host's policies admit no identity of the gateway. */
export function checkGatewayRoutesAdmitted(mesh: Mesh): Finding[] {
  const byNamespace = new Map<string, Manifest[]>();
  for (const p of mesh.ofKind('security.istio.io', 'AuthorizationPolicy')) {
    byNamespace.set(p.namespace, [...byNamespace.get(p.namespace) ?? [], p]);
  }
  return gatewayRoutes(mesh).flatMap(({ route, senders, services }) => [...new Set(services)]
    .filter(service => !mesh.isAmbient(service.namespace))
    .flatMap(service => {
      const selector = service.object.spec?.selector;
      const pods = selector && typeof selector === 'object' ? mesh.workloadsSelectedBy(service.namespace, selector) : [];
      const allows = [...new Set(pods.flatMap(({ labels }) => ztunnelPolicies(byNamespace, service.namespace, labels)))]
        .filter(p => (p.object.spec?.action ?? 'ALLOW') === 'ALLOW');
      if (senders.length === 0 || allows.length === 0 || senders.some(sender => allows.some(p => mayAdmit(p, sender)))) return [];
      const principals = senders.map(s => `cluster.local/ns/${s.namespace}/sa/${s.serviceAccount}`).join(', ');
      return [route.finding(CODES.calleeRefusesGateway, `the route sends requests from ${senders[0].describe} to ${service.namespace}/${service.name}, whose ALLOW policies `
        + `(${allows.map(p => `${p.namespace}/${p.name}`).join(', ')}) admit no request from ${principals}: every request through the gateway gets 403; `
        + 'allow the gateway\'s principal in the destination\'s policy (ZeroTrust: an edge from the gateway\'s identity)')];
    }));
}
