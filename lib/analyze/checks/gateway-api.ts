import { check, Check, Finding, Severity } from '../finding';
import { Mesh } from '../model/mesh';
import { Manifest } from '../read/manifest';
import { durationMillis, labelsMatch, objects } from '../read/values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  backendNotFound: check('CI217', Severity.ERROR, 'route status ResolvedRefs', 'Gateway API route backendRef to a Service the input does not define',
    'a Gateway API route\'s backendRef (or mirror) to a Service the input does not define'),
  parentNotFound: check('CI218', Severity.ERROR, 'route status Accepted', 'Gateway API route parentRef to a Gateway or Service the input does not define',
    'a Gateway API route\'s parentRef to a Gateway or Service the input does not define'),
  listenerRejects: check('CI219', Severity.ERROR, 'route status Accepted', 'Gateway API route attached to a listener that does not allow it',
    'a route attached to a Gateway whose listeners refuse it (no such `sectionName`/port, `allowedRoutes.namespaces` Same or Selector, `allowedRoutes.kinds`)'),
  mixedRouteApis: check('CI220', Severity.ERROR, '-', 'a host routed by both a VirtualService and an HTTPRoute (unsupported in Istio)',
    'one host routed by both a VirtualService and an HTTPRoute, which Istio does not support'),
  ineffectiveGatewaySelector: check('CI245', Severity.WARNING, 'IST0166', 'a policy selecting the pods of a Gateway API Gateway by label instead of targetRefs',
    'an AuthorizationPolicy, RequestAuthentication, Telemetry or WasmPlugin whose `selector` matches the pods of a Gateway API Gateway: use `targetRefs`'),
  routeRetriesBeyondTimeout: check('CI267', Severity.WARNING, '-', 'HTTPRoute retries whose tries (attempts × timeouts.backendRequest) add up past timeouts.request, which cuts them short',
    'an HTTPRoute rule whose retries cannot run within its timeout: `retry.attempts × timeouts.backendRequest` beyond `timeouts.request`'),
} satisfies Record<string, Check>;

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** The route kinds a listener admits when `allowedRoutes.kinds` is not set, by protocol. */
const DEFAULT_KINDS: Record<string, string[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};

/** Gateway API references: backendRefs and parentRefs that resolve to nothing, and listeners that refuse the route. */
export function checkGatewayApiRoutes(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  const routed = mesh.routes.length > 0 ? virtualServiceHosts(mesh) : new Map<string, Manifest>();
  for (const route of mesh.routes) {
    objects(route.object.spec?.parentRefs).forEach((ref, i) => findings.push(...checkParent(mesh, routed, route, ref, ['spec', 'parentRefs', i])));
    objects(route.object.spec?.rules).forEach((rule, r) => {
      objects(rule.backendRefs).forEach((ref, b) => findings.push(...checkBackend(mesh, route, ref, ['spec', 'rules', r, 'backendRefs', b])));
      objects(rule.filters).forEach((filter, f) => {
        if (filter.requestMirror?.backendRef) {
          findings.push(...checkBackend(mesh, route, filter.requestMirror.backendRef, ['spec', 'rules', r, 'filters', f, 'requestMirror', 'backendRef']));
        }
      });
    });
  }
  return findings;
}

function checkBackend(mesh: Mesh, route: Manifest, ref: any, path: (string | number)[]): Finding[] {
  if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service' || typeof ref.name !== 'string') {
    return [];
  }
  const namespace = typeof ref.namespace === 'string' ? ref.namespace : route.namespace;
  const fqdn = mesh.fqdn(ref.name, namespace);
  if (mesh.services.has(fqdn) || !mesh.canResolve(fqdn)) {
    return [];
  }
  return [route.finding(CODES.backendNotFound, `backendRef Service '${ref.name}' (${namespace}) is not defined in the input; the route's requests to it get 500`, path)];
}

/** Mesh-bound VirtualServices by the FQDN of each of their hosts. */
function virtualServiceHosts(mesh: Mesh): Map<string, Manifest> {
  const byHost = new Map<string, Manifest>();
  for (const vs of mesh.virtualServices) {
    const gateways: unknown = vs.object.spec?.gateways;
    const meshBound = !Array.isArray(gateways) || gateways.length === 0 || gateways.includes('mesh');
    for (const host of meshBound && Array.isArray(vs.object.spec?.hosts) ? vs.object.spec.hosts : []) {
      if (typeof host === 'string') {
        byHost.set(mesh.fqdn(host, vs.namespace), vs);
      }
    }
  }
  return byHost;
}

function checkParent(mesh: Mesh, routed: Map<string, Manifest>, route: Manifest, ref: any, path: (string | number)[]): Finding[] {
  if (typeof ref.name !== 'string') {
    return [];
  }
  const namespace = typeof ref.namespace === 'string' ? ref.namespace : route.namespace;
  const group = ref.group ?? GATEWAY_GROUP;
  const kind = ref.kind ?? 'Gateway';
  if (group === '' && kind === 'Service') {
    const fqdn = mesh.fqdn(ref.name, namespace);
    if (!mesh.services.has(fqdn) && mesh.canResolve(fqdn)) {
      return [route.finding(CODES.parentNotFound, `parentRef Service '${ref.name}' (${namespace}) is not defined in the input`, path)];
    }
    const vs = routed.get(fqdn);
    return vs
      ? [route.finding(CODES.mixedRouteApis, `host '${fqdn}' is also routed by VirtualService ${vs.namespace}/${vs.name}; Istio does not support a VirtualService and an HTTPRoute for one workload`, path)]
      : [];
  }
  if (group !== GATEWAY_GROUP || kind !== 'Gateway') {
    return [];
  }
  const gateway = mesh.kubernetesGateways.get(`${namespace}/${ref.name}`);
  if (!gateway) {
    return mesh.knownNamespaces.has(namespace)
      ? [route.finding(CODES.parentNotFound, `parentRef Gateway '${ref.name}' (${namespace}) is not defined in the input`, path)]
      : [];
  }
  return checkListeners(mesh, route, gateway, ref, path);
}

function checkListeners(mesh: Mesh, route: Manifest, gateway: Manifest, ref: any, path: (string | number)[]): Finding[] {
  const listeners = objects(gateway.object.spec?.listeners)
    .filter(l => ref.sectionName === undefined || l.name === ref.sectionName)
    .filter(l => ref.port === undefined || l.port === ref.port);
  const where = `Gateway ${gateway.namespace}/${gateway.name}`;
  if (listeners.length === 0) {
    const wanted = [ref.sectionName && `named '${ref.sectionName}'`, ref.port !== undefined && `on port ${ref.port}`].filter(Boolean).join(' ');
    return [route.finding(CODES.listenerRejects, `${where} has no listener ${wanted}`, path)];
  }
  const reasons = listeners.map(l => refusal(mesh, route, gateway, l)).filter((r): r is string => r !== undefined);
  if (reasons.length < listeners.length) {
    return [];
  }
  return [route.finding(CODES.listenerRejects, `no listener of ${where} admits ${route.kind} ${route.namespace}/${route.name}: ${reasons.join('; ')}`, path)];
}

/** Why a listener refuses a route, or `undefined` when it admits it. */
function refusal(mesh: Mesh, route: Manifest, gateway: Manifest, listener: any): string | undefined {
  const kinds: string[] = Array.isArray(listener.allowedRoutes?.kinds)
    ? listener.allowedRoutes.kinds.map((k: any) => k?.kind)
    : DEFAULT_KINDS[listener.protocol] ?? [];
  if (!kinds.includes(route.kind)) {
    return `listener '${listener.name}' (${listener.protocol}) admits ${kinds.join(', ') || 'no route kind'}`;
  }
  const from = listener.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'Same' && route.namespace !== gateway.namespace) {
    return `listener '${listener.name}' admits routes of namespace ${gateway.namespace} only (allowedRoutes.namespaces.from: Same)`;
  }
  if (from === 'Selector') {
    const selector = listener.allowedRoutes?.namespaces?.selector?.matchLabels ?? {};
    const namespace = mesh.namespaces.get(route.namespace);
    const labels = { 'kubernetes.io/metadata.name': route.namespace, ...(namespace?.object.metadata?.labels ?? {}) };
    if (namespace && !labelsMatch(selector, labels)) {
      return `listener '${listener.name}' admits namespaces labelled ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(', ')}`;
    }
  }
  return undefined;
}

// istioctl 1.30's k8sgateway SelectorAnalyzer (k8sgateway/workloadselector.go): a policy that selects the
// pods of a Gateway API Gateway by label, where Istio wants `targetRef` to the Gateway.

const POLICY_KINDS: ReadonlyArray<[string, string]> = [['security.istio.io', 'AuthorizationPolicy'], ['security.istio.io', 'RequestAuthentication'],
  ['telemetry.istio.io', 'Telemetry'], ['extensions.istio.io', 'WasmPlugin']];

const GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';

/** The labels of Gateway API gateway pods (of the input, or those assumed for its Gateways), by namespace. */
function gatewayPods(mesh: Mesh): Map<string, Array<Record<string, string>>> {
  const pods = new Map<string, Array<Record<string, string>>>();
  for (const w of mesh.workloads.filter(x => typeof x.labels[GATEWAY_NAME] === 'string')) {
    pods.set(w.namespace, [...pods.get(w.namespace) ?? [], w.labels]);
  }
  return pods;
}

/** IST0166: a policy whose `selector` matches the pods of a Gateway API Gateway instead of naming it in `targetRef`. */
export function checkGatewayPodSelectors(mesh: Mesh): Finding[] {
  const pods = gatewayPods(mesh);
  const findings: Finding[] = [];
  for (const policy of POLICY_KINDS.flatMap(([group, kind]) => mesh.ofKind(group, kind))) {
    const spec = policy.object.spec ?? {};
    const selector = spec.selector?.matchLabels ?? (spec.selector ? {} : undefined);
    if (spec.targetRef || !selector || typeof selector !== 'object') continue;
    const names = new Set<string>();
    for (const labels of pods.get(policy.namespace) ?? []) {
      if (labelsMatch(selector, labels)) names.add(labels[GATEWAY_NAME]);
    }
    for (const name of [...names].sort()) {
      findings.push(policy.finding(CODES.ineffectiveGatewaySelector, `the selector matches the pods of Gateway ${name}, where it has no effect: name the Gateway in targetRefs instead`, ['spec', 'selector']));
    }
  }
  return findings;
}

/** CI267: the HTTPRoute form of CI266, as istiod translates retry and timeouts to Envoy. */
export function checkRouteRetriesAgainstTimeout(mesh: Mesh): Finding[] {
  return mesh.routes.filter(r => r.kind === 'HTTPRoute').flatMap(route => objects(route.object.spec?.rules).flatMap((rule, i) => {
    const timeout = durationMillis(rule.timeouts?.request);
    const perTry = durationMillis(rule.timeouts?.backendRequest);
    const attempts = rule.retry?.attempts;
    if (timeout === undefined || perTry === undefined || typeof attempts !== 'number' || attempts * perTry <= timeout) {
      return [];
    }
    return [route.finding(CODES.routeRetriesBeyondTimeout, `${attempts} attempts × ${rule.timeouts.backendRequest} per try need ${attempts * perTry / 1000}s, but the rule times out after `
      + `${rule.timeouts.request}: the timeout ends the request before the retries can run; raise timeouts.request, or lower retry.attempts or timeouts.backendRequest`, ['spec', 'rules', i, 'retry'])];
  }));
}
