import { Finding } from './finding';
import { Manifest } from './manifest';
import { serviceEntry, workloadEntry } from './webhook-entries';
import { envoyFilter, workloadGroup } from './webhook-extensions';
import { gateway } from './webhook-gateway';
import { trafficPolicy } from './webhook-policies';
import { authorizationPolicy, requestAuthentication } from './webhook-security';
import { virtualService } from './webhook-routes';
import { attachment, GO_BOOLEANS } from './webhook-values';
import { sidecar } from './webhook-sidecar';
import { exportTo, list, subsetName, Verdict, wildcardDomainError } from './webhook-verdict';

/**
 * What istiod's validating webhook (`pkg/config/validation/` in Istio 1.30) refuses at `kubectl apply`
 * beyond the CRD schema and CEL rules, in the webhook's own words. The API server runs the webhook only
 * on objects its schema accepted, so these rules read well-typed objects. One module per family of kinds.
 */

// ---- DestinationRule ----------------------------------------------------------------------------

function destinationRule(v: Verdict, m: Manifest): void {
  const spec = m.object.spec ?? {};
  const hostError = typeof spec.host === 'string' ? wildcardDomainError(spec.host) : undefined;
  if (hostError) v.error(['spec', 'host'], hostError);
  exportTo(v, m, { selector: spec.workloadSelector !== undefined });
  attachment(v, spec, 'workloadSelector');
  trafficPolicy(v, ['spec', 'trafficPolicy'], spec.trafficPolicy, m.namespace);
  const names = new Set<string>();
  list(spec.subsets).forEach((subset, i) => {
    if (!subset || typeof subset !== 'object') return;
    if (names.has(subset.name)) v.error(['spec', 'subsets', i, 'name'], `duplicate subset names: ${subset.name}`);
    names.add(subset.name);
    subsetName(v, ['spec', 'subsets', i, 'name'], subset.name);
    trafficPolicy(v, ['spec', 'subsets', i, 'trafficPolicy'], subset.trafficPolicy, m.namespace);
  });
}

// ---- Telemetry ----------------------------------------------------------------------------------

/** The CRD's schema and CEL rules check tag values, overrides and provider names; the webhook adds the names and two warnings. */
function telemetry(v: Verdict, m: Manifest): void {
  attachment(v, m.object.spec ?? {});
  const tracing = list(m.object.spec?.tracing);
  if (tracing.length > 1) v.warning(['spec', 'tracing'], 'multiple tracing is not currently supported');
  tracing.forEach((t, i) => {
    if (list(t.providers).length > 1) v.warning(['spec', 'tracing', i, 'providers'], 'multiple providers is not currently supported');
    if (t?.customTags && typeof t.customTags === 'object' && '' in t.customTags) v.error(['spec', 'tracing', i, 'customTags'], 'tag name may not be empty');
  });
  list(m.object.spec?.metrics).forEach((metrics, i) => list(metrics?.overrides).forEach((o, j) => {
    if (o?.tagOverrides && typeof o.tagOverrides === 'object' && '' in o.tagOverrides) {
      v.warning(['spec', 'metrics', i, 'overrides', j, 'tagOverrides'], 'tagOverrides.name may not be empty');
    }
  }));
}

// ---- PeerAuthentication -------------------------------------------------------------------------

function peerAuthentication(v: Verdict, m: Manifest): void {
  const spec = m.object.spec ?? {};
  attachment(v, spec);
  // the CEL rules require a selector with labels beside port-level settings
  const levels = spec.portLevelMtls;
  if (!levels || typeof levels !== 'object') return;
  for (const key of Object.keys(levels)) {
    // the CRD's CEL rule checks the range of numeric keys; istiod's conversion also refuses other keys
    if (!/^\d+$/.test(key)) {
      v.error(['spec', 'portLevelMtls', key], `port '${key}' is not a number (keys of portLevelMtls are port numbers)`);
    }
  }
}

const RULES: Record<string, (v: Verdict, m: Manifest) => void> = {
  'networking.istio.io/Gateway': gateway,
  'networking.istio.io/VirtualService': virtualService,
  'networking.istio.io/DestinationRule': destinationRule,
  'networking.istio.io/ServiceEntry': serviceEntry,
  'networking.istio.io/Sidecar': sidecar,
  'networking.istio.io/WorkloadEntry': workloadEntry,
  'networking.istio.io/WorkloadGroup': workloadGroup,
  'networking.istio.io/EnvoyFilter': envoyFilter,
  'telemetry.istio.io/Telemetry': telemetry,
  'security.istio.io/PeerAuthentication': peerAuthentication,
  'security.istio.io/AuthorizationPolicy': authorizationPolicy,
  'security.istio.io/RequestAuthentication': requestAuthentication,
  // their other rules are all in their CRDs
  'extensions.istio.io/WasmPlugin': (v, m) => attachment(v, m.object.spec ?? {}),
  'extensions.istio.io/TrafficExtension': (v, m) => attachment(v, m.object.spec ?? {}),
  'networking.istio.io/ProxyConfig': (v, m) => attachment(v, m.object.spec ?? {}),
};

const INTERNAL_ANNOTATIONS: ReadonlyArray<[string, string]> = [
  ['internal.istio.io/webhook-always-reject', 'rejecting'],
  ['internal.istio.io/parent-namespace', 'this may not be set by users'],
  ['internal.istio.io/parents', 'this may not be set by users'],
];
const DRY_RUN = 'istio.io/dry-run';

/** What istiod checks on the metadata of every Istio kind: `istio.io/dry-run` only on ALLOW/DENY AuthorizationPolicies, no internal annotations. */
function metadata(v: Verdict, m: Manifest): void {
  const annotations = m.object.metadata?.annotations ?? {};
  const path = ['metadata', 'annotations'];
  if (annotations[DRY_RUN] !== undefined) {
    const action = m.object.spec?.action ?? 'ALLOW';
    if (m.kind !== 'AuthorizationPolicy' || m.group !== 'security.istio.io') {
      v.error([...path, DRY_RUN], `${m.namespace}/${m.name} has unsupported annotation ${DRY_RUN}, please remove the annotation`);
    } else if (action !== 'ALLOW' && action !== 'DENY') {
      v.error([...path, DRY_RUN], `the annotation ${DRY_RUN} currently only supports action ALLOW/DENY, found action ${action} in ${m.namespace}/${m.name}`);
    } else if (!GO_BOOLEANS.has(String(annotations[DRY_RUN]))) {
      v.error([...path, DRY_RUN], `${m.namespace}/${m.name} has annotation ${DRY_RUN} with invalid value (${annotations[DRY_RUN]}): not a boolean`);
    }
  }
  for (const [name, reason] of INTERNAL_ANNOTATIONS) {
    if (annotations[name] !== undefined) v.error([...path, name], `"${name}" annotation found, ${reason}`);
  }
}

/** The webhook's verdict on one object the CRD schema accepted: what it refuses and what it warns about. */
export function webhookFindings(m: Manifest): Finding[] {
  if (!m.group.endsWith('istio.io')) return [];
  const verdict = new Verdict(m);
  metadata(verdict, m);
  RULES[`${m.group}/${m.kind}`]?.(verdict, m);
  return verdict.findings;
}
