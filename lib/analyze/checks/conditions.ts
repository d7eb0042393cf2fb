import { check, Check, Finding, Severity } from '../finding';
import { Manifest } from '../read/manifest';
import { Mesh } from '../model/mesh';
import { objects } from '../read/values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  negativeCondition: check('CI256', Severity.WARNING, 'IST0171', 'a status condition (of YAML exported from a cluster) saying the object is not in effect',
    'a status condition of YAML exported from a cluster that says the object is not in effect (Gateway API `Accepted`/`Programmed`/`ResolvedRefs` False, `istio.io/WaypointBound` False, an AuthorizationPolicy not accepted by ztunnel or a waypoint)'),
} satisfies Record<string, Check>;

// istioctl 1.30's ConditionAnalyzer (conditions/conditions.go): status conditions a controller wrote that
// say the object is not in effect, for YAML exported from a cluster (`kubectl get -o yaml`).

const WAYPOINT_BOUND = { 'istio.io/WaypointBound': 'False' };
const GATEWAY_API = { Accepted: 'False', Programmed: 'False', ResolvedRefs: 'False' };
/** The condition types, by kind, whose given status means the object does not work. */
const NEGATIVE: Record<string, Record<string, string>> = {
  '/Service': WAYPOINT_BOUND,
  'networking.istio.io/ServiceEntry': WAYPOINT_BOUND,
  'networking.istio.io/WorkloadEntry': WAYPOINT_BOUND,
  'security.istio.io/AuthorizationPolicy': { ZtunnelAccepted: 'False', WaypointAccepted: 'False' },
  'gateway.networking.k8s.io/Gateway': GATEWAY_API,
  'gateway.networking.k8s.io/HTTPRoute': GATEWAY_API,
  'gateway.networking.k8s.io/GRPCRoute': GATEWAY_API,
};

/** The conditions a controller wrote: a route's per parent, other kinds' on the object. */
function conditionsOf(m: Manifest): any[] {
  const status = m.object.status ?? {};
  return m.kind.endsWith('Route') ? objects(status.parents).flatMap(p => objects(p.conditions)) : objects(status.conditions);
}

/** IST0171: a negative status condition, or a waypoint that accepted an AuthorizationPolicy only in part. */
export function checkConditions(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const [key, negative] of Object.entries(NEGATIVE)) {
    const [group, kind] = key.split('/');
    for (const m of mesh.ofKind(group, kind)) {
      for (const c of conditionsOf(m)) {
        const partial = kind === 'AuthorizationPolicy' && c.type === 'WaypointAccepted' && c.reason === 'PartiallyInvalid';
        if (negative[c.type] === c.status || partial) {
          findings.push(m.finding(CODES.negativeCondition, `status condition ${c.type} is ${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`, ['status']));
        }
      }
    }
  }
  return findings;
}
