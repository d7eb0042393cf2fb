import { check, Check, Finding, Severity } from '../finding';
import { Mesh } from '../model/mesh';
import { objects } from '../read/values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  deprecated: check('CI253', Severity.WARNING, 'IST0002', 'a deprecated or ignored field, or a removed Istio custom resource type',
    'a deprecated or ignored field (`fault.delay.percent`, a Sidecar\'s `outboundTrafficPolicy.egressProxy`) or a CustomResourceDefinition of a removed `rbac.istio.io` kind'),
} satisfies Record<string, Check>;

// istioctl 1.30's deprecation FieldAnalyzer (deprecation/deprecation.go): fields Istio ignores or replaced,
// and custom resource types it removed.

const REMOVED_KINDS = new Set(['ClusterRbacConfig', 'RbacConfig', 'ServiceRole', 'ServiceRoleBinding']);

/** IST0002: `fault.delay.percent`, a Sidecar's `outboundTrafficPolicy.egressProxy`, and CRDs of rbac.istio.io. */
export function checkDeprecations(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const vs of mesh.virtualServices) {
    objects(vs.object.spec?.http).forEach((http, i) => {
      if (http.fault?.delay?.percent > 0) {
        findings.push(vs.finding(CODES.deprecated, 'HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage', ['spec', 'http', i, 'fault', 'delay', 'percent']));
      }
    });
  }
  for (const m of mesh.ofKind('networking.istio.io', 'Sidecar').filter(x => x.object.spec?.outboundTrafficPolicy?.egressProxy)) {
    findings.push(m.finding(CODES.deprecated, 'OutboundTrafficPolicy.EgressProxy ignored', ['spec', 'outboundTrafficPolicy', 'egressProxy']));
  }
  for (const m of mesh.ofKind('apiextensions.k8s.io', 'CustomResourceDefinition')) {
    if (m.object.spec?.group === 'rbac.istio.io' && REMOVED_KINDS.has(m.object.spec?.names?.kind)) {
      findings.push(m.finding(CODES.deprecated, `Custom resource type rbac.istio.io ${m.object.spec.names.kind} is removed`, ['spec', 'names', 'kind']));
    }
  }
  return findings;
}
