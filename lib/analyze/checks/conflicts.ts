import { CHECKS, Finding } from '../finding';
import { HostVisibility } from '../visibility';
import { Manifest } from '../manifest';
import { groupBy, hostMatches, Mesh, ROOT_NAMESPACE } from '../mesh';
import { exportScopes } from '../visibility';

/**
 * IST0109 / KIA1106: several VirtualServices for one host on the mesh, as istioctl groups them: by
 * `exportTo` scope and host (`*` when exported everywhere, else each namespace named), a namespace's group
 * joined by the VirtualServices exported everywhere whose host overlaps it (wildcards included). Each
 * VirtualService is reported once, naming at most ten of the others. Gateways merge the VirtualServices
 * bound to them, so those are not conflicts.
 */
export function checkDuplicateVirtualServices(mesh: Mesh): Finding[] {
  const byKey = new Map<string, { scope: string; host: string; members: Array<{ vs: Manifest; index: number }> }>();
  for (const vs of mesh.virtualServices.filter(meshBound)) {
    const hosts: unknown[] = Array.isArray(vs.object.spec?.hosts) ? vs.object.spec.hosts : [];
    for (const scope of exportScopes(vs)) {
      hosts.forEach((h, index) => {
        const host = mesh.fqdn(String(h), vs.namespace);
        const key = `${scope}|${host}`;
        const group = byKey.get(key) ?? { scope, host, members: [] };
        if (!group.members.some(m => m.vs === vs)) {
          group.members.push({ vs, index });
        }
        byKey.set(key, group);
      });
    }
  }
  const everywhere = [...byKey.values()].filter(g => g.scope === '*');
  const findings: Finding[] = [];
  const reported = new Set<Manifest>();
  for (const group of byKey.values()) {
    const members = group.scope === '*' ? group.members
      : [...group.members, ...everywhere.filter(g => hostMatches(g.host, group.host) || hostMatches(group.host, g.host)).flatMap(g => g.members)];
    const unique = [...new Map(members.map(m => [m.vs, m])).values()];
    if (unique.length < 2) {
      continue;
    }
    for (const member of unique.filter(m => !reported.has(m.vs))) {
      reported.add(member.vs);
      const others = unique.filter(o => o.vs !== member.vs);
      const named = others.slice(0, MAX_NAMED).map(o => `${o.vs.id} (${o.vs.file}:${o.vs.lineOf()})`).join(', ');
      const more = others.length > MAX_NAMED ? ` and ${others.length - MAX_NAMED} more` : '';
      const scope = group.scope === '*' ? '' : ` for namespace ${group.scope}`;
      findings.push(member.vs.finding(CHECKS.duplicateVirtualService,
        `host '${group.host}' on the mesh${scope} is also routed by ${named}${more}; Istio keeps one of them unpredictably`, ['spec', 'hosts', member.index]));
    }
  }
  return findings;
}

function meshBound(vs: Manifest): boolean {
  const gateways: unknown = vs.object.spec?.gateways;
  return !Array.isArray(gateways) || gateways.length === 0 || gateways.includes('mesh');
}

/** How many conflicting objects a finding names before it counts the rest. */
const MAX_NAMED = 10;

/** KIA0201 / IST0173 / KIA0203: subsets defined twice, and subsets that select no workload. */
export function checkSubsets(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  const hosts = new Set(mesh.destinationRules.map(dr => mesh.ruleHost(dr)));
  for (const host of hosts) {
    const subsets = mesh.subsetsOf(host).filter(s => mesh.ruleHost(s.rule) === host);
    for (const [name, group] of groupBy(subsets, s => s.name)) {
      const rules = [...new Set(group.map(s => s.rule))];
      if (rules.length > 1) {
        for (const s of group) {
          findings.push(s.rule.finding(CHECKS.duplicateSubset, `subset '${name}' of host '${host}' is also defined by ${rules.filter(r => r !== s.rule).map(r => `${r.id} (${r.file}:${r.lineOf()})`).join(', ')}`, ['spec', 'subsets', s.index]));
        }
      }
    }
    const service = mesh.services.get(host);
    const selector = service?.object.spec?.selector;
    if (!service || !selector) {
      continue;
    }
    for (const s of subsets) {
      if (mesh.workloadsSelectedBy(service.namespace, { ...selector, ...s.labels }).length === 0) {
        const labels = Object.entries({ ...selector, ...s.labels }).map(([k, v]) => `${k}=${v}`).join(', ');
        findings.push(s.rule.finding(CHECKS.subsetSelectsNothing, `subset '${s.name}' selects no workload of host '${host}' in the input (pods need ${labels})`, ['spec', 'subsets', s.index]));
      }
    }
  }
  return findings;
}

/**
 * IST0174: a DestinationRule whose host no Service or ServiceEntry visible from its namespace defines.
 * A host in the rule's own namespace is checked even when the input describes nothing else there, as
 * istioctl does: the rule's author writes that namespace's policy, so its Services belong in the input.
 */
export function checkDestinationRuleHosts(mesh: Mesh): Finding[] {
  const visible = new HostVisibility(mesh);
  const findings: Finding[] = [];
  for (const dr of mesh.destinationRules) {
    const fqdn = mesh.ruleHost(dr);
    const checkable = mesh.canResolve(fqdn) || mesh.namespaceOf(fqdn) === dr.namespace;
    if (checkable && !visible.resolve(fqdn, dr.namespace, dr.object.spec?.exportTo)) {
      findings.push(dr.finding(CHECKS.unknownRuleHost, `host '${dr.object.spec?.host}' (${fqdn}) is not defined by any Service or ServiceEntry visible in namespace ${dr.namespace}: the rule applies to no traffic`, ['spec', 'host']));
    }
  }
  return findings;
}

/** The mTLS mode a namespace's workloads accept: its own selector-less policy, else the mesh-wide one. */
function peerMode(mesh: Mesh, namespace: string): { mode: string; policy?: Manifest } {
  const wide = (ns: string) => mesh.peerAuthentications.find(pa => pa.namespace === ns && !pa.object.spec?.selector && pa.object.spec?.mtls?.mode);
  const policy = wide(namespace) ?? wide(ROOT_NAMESPACE);
  const mode = policy?.object.spec.mtls.mode;
  return { mode: mode && mode !== 'UNSET' ? mode : 'PERMISSIVE', policy };
}

/** IST0113: a DestinationRule whose TLS mode the server side's PeerAuthentication refuses. */
export function checkMtls(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const dr of mesh.destinationRules) {
    const namespace = mesh.namespaceOf(mesh.ruleHost(dr));
    const tlsMode: string | undefined = dr.object.spec?.trafficPolicy?.tls?.mode;
    if (!namespace || !tlsMode) {
      continue;
    }
    const { mode, policy } = peerMode(mesh, namespace);
    const conflict = mode === 'STRICT' && tlsMode === 'DISABLE'
      ? 'sends plaintext to workloads that require mTLS'
      : mode === 'DISABLE' && tlsMode === 'ISTIO_MUTUAL' ? 'sends mTLS to workloads that accept only plaintext' : undefined;
    if (conflict) {
      findings.push(dr.finding(CHECKS.mtlsConflict, `tls.mode ${tlsMode} ${conflict} (${policy!.id} sets mtls.mode ${mode}); requests fail`, ['spec', 'trafficPolicy', 'tls', 'mode']));
    }
  }
  return findings;
}

/** IST0160: more than one selector-less Telemetry in a namespace. */
export function checkTelemetry(mesh: Mesh): Finding[] {
  const wide = mesh.telemetries.filter(t => !t.object.spec?.selector && !t.object.spec?.targetRef && !t.object.spec?.targetRefs);
  const findings: Finding[] = [];
  for (const [namespace, group] of groupBy(wide, t => t.namespace)) {
    if (group.length > 1) {
      for (const t of group) {
        findings.push(t.finding(CHECKS.telemetryConflict, `namespace '${namespace}' has ${group.length} Telemetry objects without a selector (${group.map(g => g.name).join(', ')}); Istio applies one of them unpredictably`));
      }
    }
  }
  return findings;
}

/** IST0159: workloads that more than one Telemetry selects; each Telemetry reported once, naming a workload. */
export function checkTelemetrySelectors(mesh: Mesh): Finding[] {
  const byWorkload = new Map<Manifest, Manifest[]>();
  for (const t of mesh.telemetries) {
    const labels = t.object.spec?.selector?.matchLabels;
    if (!labels || typeof labels !== 'object' || Object.keys(labels).length === 0) {
      continue;
    }
    for (const w of mesh.workloadsSelectedBy(t.namespace, labels)) {
      byWorkload.set(w.manifest, [...(byWorkload.get(w.manifest) ?? []), t]);
    }
  }
  const findings: Finding[] = [];
  const reported = new Set<Manifest>();
  for (const [workload, telemetries] of byWorkload) {
    if (telemetries.length < 2) {
      continue;
    }
    for (const t of telemetries.filter(x => !reported.has(x))) {
      reported.add(t);
      findings.push(t.finding(CHECKS.telemetrySelectorConflict, `${workload.kind} ${workload.namespace}/${workload.name} is selected by ${telemetries.length} Telemetry objects (${telemetries.map(x => x.name).join(', ')}); Istio applies one of them unpredictably`, ['spec', 'selector']));
    }
  }
  return findings;
}
