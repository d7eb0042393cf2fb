import { check, Check, Finding, Severity } from '../finding';
import { Manifest } from '../read/manifest';
import { Mesh } from '../model/mesh';
import { objects, strings } from '../read/values';
import { isIpAddress } from '../webhook/verdict';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  webhookOverlap: check('CI275', Severity.ERROR, 'IST0139', 'two Istio injection webhooks match the same pods (injection would run twice)',
    'two of Istio\'s sidecar-injection webhooks (MutatingWebhookConfigurations of an `istio.io/rev` revision or with a webhook named `*istio.io`) whose namespace and object selectors both match one combination of the injection labels (`istio-injection`, `sidecar.istio.io/inject`, `istio.io/rev`), so a pod would be injected twice; and an injection webhook whose `clientConfig.service` names a Service the input lacks in a namespace it describes'),
  externalControlPlane: check('CI276', Severity.WARNING, 'IST0163, IST0164', 'an Istio webhook of an external control plane with a blank or malformed URL, or an IP address instead of a host name',
    'an Istio validating (`istio-validator*`, `istiod-default-validator`) or injection (`istio-sidecar-injector*`) webhook whose `clientConfig` has neither `service` nor `url`, a `url` that does not parse (IST0163), or a `url` whose host is an IP address rather than a host name (IST0164)'),
} satisfies Record<string, Check>;

const REV = 'istio.io/rev';
const MUTATING = ['admissionregistration.k8s.io', 'MutatingWebhookConfiguration'] as const;
const VALIDATING = ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'] as const;

/** IST0139, as istioctl's webhook analyzer: overlapping injection webhooks, and webhooks to missing Services. */
export function checkInjectionWebhooks(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  const hooks: Array<{ m: Manifest; index: number; name: string; hook: any }> = [];
  const revisions = new Set<string>();
  for (const m of mesh.ofKind(...MUTATING)) {
    const revs = revisionsOf(m);
    const webhooks = objects(m.object.webhooks);
    if (revs.length === 0 && !webhooks.some(w => typeof w.name === 'string' && w.name.endsWith('istio.io'))) continue;
    revs.forEach(r => revisions.add(r));
    webhooks.forEach((hook, index) => hooks.push({ m, index, name: `${m.name}/${hook.name}`, hook }));
  }
  const base = (extra: Record<string, string>) => ([{}, { 'istio-injection': 'enabled' }, { 'istio-injection': 'disabled' }] as Array<Record<string, string>>).map(l => ({ ...l, ...extra }));
  const objectBase = (extra: Record<string, string>) => ([{}, { 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }] as Array<Record<string, string>>).map(l => ({ ...l, ...extra }));
  const namespaceLabels = [...base({}), ...[...revisions].flatMap(r => base({ [REV]: r }))];
  const objectLabels = [...objectBase({}), ...[...revisions].flatMap(r => objectBase({ [REV]: r }))];
  const overlaps = new Map<typeof hooks[number], Set<string>>();
  for (const nl of namespaceLabels) {
    for (const ol of objectLabels) {
      const matching = hooks.filter(h => selectorMatches(h.hook.namespaceSelector, nl) && selectorMatches(h.hook.objectSelector, ol));
      if (matching.length < 2) continue;
      for (const h of matching) {
        const others = overlaps.get(h) ?? new Set<string>();
        matching.filter(o => o !== h).forEach(o => others.add(o.name));
        overlaps.set(h, others);
      }
    }
  }
  for (const [h, others] of overlaps) {
    findings.push(h.m.finding(CODES.webhookOverlap, `Webhook ${h.hook.name} overlaps with others: [${[...others].sort().join(' ')}]. This may cause injection to occur twice.`, ['webhooks', h.index]));
  }
  for (const h of hooks) {
    const service = h.hook.clientConfig?.service;
    if (!service || typeof service.name !== 'string') continue;
    const namespace = typeof service.namespace === 'string' ? service.namespace : 'default';
    if (mesh.knownNamespaces.has(namespace) && !mesh.services.has(mesh.fqdn(service.name, namespace))) {
      findings.push(h.m.finding(CODES.webhookOverlap, `Injector refers to a control plane service that does not exist: ${namespace}/${service.name}.`, ['webhooks', h.index, 'clientConfig', 'service', 'name']));
    }
  }
  return findings;
}

/** IST0163 / IST0164, as istioctl's external control plane analyzer. */
export function checkExternalControlPlane(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  const lint = (m: Manifest) => objects(m.object.webhooks).forEach((hook, index) => {
    const config = hook.clientConfig ?? {};
    const at = ['webhooks', index, 'clientConfig'];
    if (typeof config.url === 'string') {
      let host: string;
      try {
        host = new URL(config.url).hostname.replace(/^\[|\]$/g, '');
      } catch {
        findings.push(m.finding(CODES.externalControlPlane, `The hostname (${config.url}) that was provided for the webhook (${hook.name}) to reach the ingress gateway on the external control plane cluster was provided in an invalid format. Traffic may not flow properly.`, [...at, 'url']));
        return;
      }
      if (isIpAddress(host)) {
        findings.push(m.finding(CODES.externalControlPlane, `The address (${config.url}) that was provided for the webhook (${hook.name}) to reach the ingress gateway on the external control plane cluster is an IP address. This is not supported.`, [...at, 'url']));
      }
    } else if (!config.service) {
      findings.push(m.finding(CODES.externalControlPlane, `The hostname () that was provided for the webhook (${hook.name}) to reach the ingress gateway on the external control plane cluster is blank. Traffic may not flow properly.`, at));
    }
  });
  for (const m of mesh.ofKind(...VALIDATING)) {
    if (m.name === 'istiod-default-validator' || m.name.startsWith('istio-validator')) lint(m);
  }
  for (const m of mesh.ofKind(...MUTATING)) {
    if (m.name.startsWith('istio-sidecar-injector')) lint(m);
  }
  return findings;
}

function revisionsOf(m: Manifest): string[] {
  const revs = new Set<string>();
  const rev = m.object.metadata?.labels?.[REV];
  if (typeof rev === 'string') revs.add(rev);
  for (const hook of objects(m.object.webhooks)) {
    for (const selector of [hook.namespaceSelector, hook.objectSelector]) {
      const value = selector?.matchLabels?.[REV];
      if (typeof value === 'string') revs.add(value);
      objects(selector?.matchExpressions).filter(e => e.key === REV).forEach(e => strings(e.values).forEach(v => revs.add(v)));
    }
  }
  return [...revs];
}

/** A Kubernetes LabelSelector against a label set; no selector matches everything, a malformed one nothing. */
function selectorMatches(selector: any, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === null) return true;
  if (typeof selector !== 'object') return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const e of objects(selector.matchExpressions)) {
    const values: unknown[] = Array.isArray(e.values) ? e.values : [];
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}
