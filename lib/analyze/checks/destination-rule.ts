import { check, Check, Finding, Severity } from '../finding';
import { groupBy, hostMatches, Mesh, ROOT_NAMESPACE } from '../model/mesh';
import { HostVisibility } from '../model/visibility';
import { Manifest } from '../read/manifest';
import { objects } from '../read/values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  duplicateSubset: check('CI205', Severity.WARNING, 'KIA0201', 'several DestinationRules define the same host and subset',
    'two DestinationRules defining one host and subset'),
  subsetSelectsNothing: check('CI206', Severity.WARNING, 'IST0173, KIA0203', 'DestinationRule subset selects no workload of the host',
    'a subset whose labels select no workload of the host'),
  mtlsConflict: check('CI213', Severity.ERROR, '-', 'DestinationRule TLS mode conflicts with the PeerAuthentication mTLS mode',
    'a DestinationRule TLS mode the PeerAuthentication refuses (DISABLE vs STRICT, ISTIO_MUTUAL vs DISABLE)'),
  noServerVerification: check('CI228', Severity.WARNING, 'IST0128', 'DestinationRule client TLS (SIMPLE, MUTUAL) without caCertificates: the server is not verified',
    'a DestinationRule\'s client TLS (SIMPLE, MUTUAL) without `caCertificates` (a `credentialName` exempts a rule with a `workloadSelector`). istioctl calls the server unverified; since Istio 1.20 the proxy verifies it with the system CA bundle, so this says "no CA pinned"'),
  noServerVerificationPort: check('CI229', Severity.WARNING, 'IST0129', 'DestinationRule port-level client TLS without caCertificates: the server is not verified',
    'the same, for one of `portLevelSettings`'),
  unknownRuleHost: check('CI248', Severity.WARNING, 'IST0174', 'a DestinationRule host that no visible Service or ServiceEntry defines',
    'a DestinationRule whose host no Service or ServiceEntry visible from its namespace defines (checked for hosts of the rule\'s own namespace and of namespaces the input describes)'),
  outlierEjectsNothing: check('CI268', Severity.WARNING, '-', 'outlier detection that ejects no endpoint (consecutive5xxErrors 0 and no other error count)',
    'a DestinationRule outlier detection (of the host, a port or a subset) with `consecutive5xxErrors: 0` and no other error count: it ejects no endpoint'),
} satisfies Record<string, Check>;

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
          findings.push(s.rule.finding(CODES.duplicateSubset, `subset '${name}' of host '${host}' is also defined by ${rules.filter(r => r !== s.rule).map(r => `${r.id} (${r.file}:${r.lineOf()})`).join(', ')}`, ['spec', 'subsets', s.index]));
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
        findings.push(s.rule.finding(CODES.subsetSelectsNothing, `subset '${s.name}' selects no workload of host '${host}' in the input (pods need ${labels})`, ['spec', 'subsets', s.index]));
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
    // a wildcard host applies to every Service and ServiceEntry host it covers
    if (fqdn.includes('*') && [...mesh.services.keys(), ...mesh.serviceEntryHosts.map(e => e.host)].some(h => hostMatches(fqdn, h))) {
      continue;
    }
    const checkable = mesh.canResolve(fqdn) || mesh.namespaceOf(fqdn) === dr.namespace;
    if (checkable && !visible.resolve(fqdn, dr.namespace, dr.object.spec?.exportTo)) {
      findings.push(dr.finding(CODES.unknownRuleHost, `host '${dr.object.spec?.host}' (${fqdn}) is not defined by any Service or ServiceEntry visible in namespace ${dr.namespace}: the rule applies to no traffic`, ['spec', 'host']));
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
      findings.push(dr.finding(CODES.mtlsConflict, `tls.mode ${tlsMode} ${conflict} (${policy!.id} sets mtls.mode ${mode}); requests fail`, ['spec', 'trafficPolicy', 'tls', 'mode']));
    }
  }
  return findings;
}

// istioctl 1.30's DestinationRule CA-certificate, ServiceEntry address and Sidecar selector analyzers
// (destinationrule/ca-certificates.go, serviceentry/protocoladdresses.go, sidecar/selector.go).


/** IST0128, IST0129: client TLS (SIMPLE or MUTUAL) that does not verify the server, for the host or one port. */
export function checkServerVerification(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const dr of mesh.destinationRules) {
    const spec = dr.object.spec ?? {};
    const unverified = (tls: any) => ['SIMPLE', 'MUTUAL'].includes(tls?.mode) && !tls.caCertificates && !(tls.credentialName && spec.workloadSelector);
    const tls = spec.trafficPolicy?.tls;
    if (unverified(tls)) {
      findings.push(dr.finding(CODES.noServerVerification, `TLS mode ${tls.mode} to host ${spec.host} sets no caCertificates: istioctl warns the server is not verified (since Istio 1.20 the proxy verifies it with the system CA bundle); set caCertificates to pin a CA`, ['spec', 'trafficPolicy', 'tls']));
    }
    objects(spec.trafficPolicy?.portLevelSettings).forEach((settings, i) => {
      if (unverified(settings.tls)) {
        findings.push(dr.finding(CODES.noServerVerificationPort, `TLS mode ${settings.tls.mode} to host ${spec.host} port ${settings.port?.number} sets no caCertificates: istioctl warns the server is not verified (since Istio 1.20 the proxy verifies it with the system CA bundle); set caCertificates to pin a CA`, ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls']));
      }
    });
  }
  return findings;
}

/** The traffic policies of a DestinationRule with their paths: the rule's, its ports', its subsets' and their ports'. */
function trafficPolicies(dr: Manifest): Array<{ policy: any; path: Array<string | number> }> {
  const spec = dr.object.spec ?? {};
  const withPorts = (policy: any, path: Array<string | number>) => policy && typeof policy === 'object'
    ? [{ policy, path }, ...objects(policy.portLevelSettings).map((p, i) => ({ policy: p, path: [...path, 'portLevelSettings', i] }))]
    : [];
  return [...withPorts(spec.trafficPolicy, ['spec', 'trafficPolicy']),
    ...objects(spec.subsets).flatMap((s, i) => withPorts(s.trafficPolicy, ['spec', 'subsets', i, 'trafficPolicy']))];
}

/** CI268: outlier detection whose counts are all off: 0 turns consecutive 5xx errors off, and the other counts are off unless set. */
export function checkOutlierDetection(mesh: Mesh): Finding[] {
  return mesh.destinationRules.flatMap(dr => trafficPolicies(dr).flatMap(({ policy, path }) => {
    const o = policy.outlierDetection;
    if (!o || typeof o !== 'object' || o.consecutive5xxErrors !== 0 || o.consecutiveGatewayErrors > 0 || o.consecutiveLocalOriginFailures > 0) {
      return [];
    }
    return [dr.finding(CODES.outlierEjectsNothing, 'outlier detection sets consecutive5xxErrors to 0 and no other error count, so it ejects no endpoint: '
      + 'set a positive consecutive5xxErrors or consecutiveGatewayErrors, or remove it', [...path, 'outlierDetection'])];
  }));
}
