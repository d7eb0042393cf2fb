import { Finding } from '../finding';
import { Manifest } from '../read/manifest';
import { authorizationPolicy } from './authorization-policy';
import { destinationRule } from './destination-rule';
import { envoyFilter } from './envoy-filter';
import { gateway } from './gateway';
import { peerAuthentication } from './peer-authentication';
import { requestAuthentication } from './request-authentication';
import { serviceEntry } from './service-entry';
import { sidecar } from './sidecar';
import { telemetry } from './telemetry';
import { attachment, GO_BOOLEANS } from './values';
import { Verdict } from './verdict';
import { virtualService } from './virtual-service';
import { workloadEntry } from './workload-entry';
import { workloadGroup } from './workload-group';

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
