import { X509Certificate } from 'crypto';
import { check, Check, Finding, Severity } from '../finding';
import { Manifest } from '../read/manifest';
import { Mesh } from '../model/mesh';
import { labelsMatch, objects, selectorString } from '../read/values';
import { ASSUMED } from '../model/defaults';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  conflictingGateways: check('CI222', Severity.ERROR, 'IST0145', 'two gateways on the same workloads and port serve one host',
    'two Gateways selecting the same workload with one port and a host in common (wildcards compared), not sharing one certificate for HTTPS/TLS'),
  gatewayPortNotOnService: check('CI223', Severity.WARNING, 'IST0162', 'a gateway port that no Service of the gateway pods defines',
    'a Gateway server port that no Service of the selected workload exposes (as `port` or `targetPort`)'),
  gatewaySelectorNotFound: check('CI224', Severity.ERROR, 'IST0101', 'a gateway selector that matches no pod or pod template of the input',
    'a Gateway selector that matches no pod (the namespace filter `PILOT_SCOPE_GATEWAY_TO_NAMESPACE` off, as by default)'),
  credentialNotFound: check('CI225', Severity.ERROR, 'IST0101', 'a gateway credentialName with no Secret in the gateway pods\' namespace',
    'a Gateway `credentialName` with no Secret in the namespace of the gateway workload (checked when the input describes that namespace)'),
  credentialInvalid: check('CI226', Severity.ERROR, 'IST0161', 'a gateway credentialName Secret without a valid certificate',
    'a Gateway\'s TLS Secret whose certificate does not parse, has expired, or lacks its key (`tls.crt`/`tls.key`, `cert`/`key`)'),
  duplicateCertificate: check('CI227', Severity.WARNING, 'IST0138', 'gateways on the same workloads serving the same certificate',
    'two Gateways on one workload serving the same certificate'),
} satisfies Record<string, Check>;

// Istio Gateways against the workloads, Services and Secrets of the input, after istioctl's gateway
// analyzers. Their selectors match pods: those of the input, and Istio's default ingress gateway, which
// the analyzer assumes (see defaults.ts) as istioctl does for files.

function selectorOf(gateway: Manifest): Record<string, string> {
  const selector = gateway.object.spec?.selector;
  return selector && typeof selector === 'object' ? selector : {};
}

/** IST0101 (selector), IST0162: a Gateway whose selector matches no pod, or whose ports the pods' Services do not serve. */
export function checkGatewayWorkloads(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const gateway of mesh.gateways.values()) {
    const selector = selectorOf(gateway);
    // the pods of the input: Pods, and those the workloads' pod templates (Deployments, …) create
    const selected = mesh.workloads.filter(p => labelsMatch(selector, p.labels));
    if (selected.length === 0 && installerGateway(mesh, selector)) {
      continue;
    }
    if (selected.length === 0) {
      findings.push(gateway.finding(CODES.gatewaySelectorNotFound, `selector ${selectorString(selector) || '(empty)'} matches no pod in the input`, ['spec', 'selector']));
      continue;
    }
    const ports = new Set<number>();
    for (const pod of selected) {
      for (const service of mesh.servicesOf(pod)) {
        for (const port of objects(service.object.spec?.ports).filter(p => (p.protocol ?? 'TCP') === 'TCP')) {
          // the gateway listens on the Service's target port (the container port); the Service port maps to it
          ports.add(Number.isInteger(port.targetPort) && port.targetPort !== 0 ? port.targetPort : port.port);
          ports.add(port.port);
        }
      }
    }
    objects(gateway.object.spec?.servers).forEach((server, i) => {
      const number = server.port?.number;
      if (Number.isInteger(number) && !ports.has(number)) {
        findings.push(gateway.finding(CODES.gatewayPortNotOnService, `the gateway listens on port ${number}, which no Service of its pods (selector ${selectorString(selector)}) defines: it is not reachable through the gateway Service`, ['spec', 'servers', i, 'port']));
      }
    });
  }
  return findings;
}

/** IST0101 (credentialName), IST0161: a TLS server's Secret that the gateway's namespace lacks, or that holds no certificate. */
export function checkGatewaySecrets(mesh: Mesh): Finding[] {
  const secrets = new Map(mesh.ofKind('', 'Secret').map(m => [`${m.namespace}/${m.name}`, m]));
  const findings: Finding[] = [];
  for (const gateway of mesh.gateways.values()) {
    const pod = mesh.workloads.find(p => labelsMatch(selectorOf(gateway), p.labels));
    const described = mesh.knownNamespaces.has(pod?.namespace ?? '') || [...secrets.values()].some(x => x.namespace === pod?.namespace);
    if (!pod || !described) {
      continue; // no pod: the selector finding says so; Secrets of a namespace the input does not describe cannot be checked
    }
    objects(gateway.object.spec?.servers).forEach((server, i) => {
      const name = server.tls?.credentialName;
      if (typeof name !== 'string' || name === '') {
        return;
      }
      const secret = secrets.get(name.includes('/') ? name : `${pod.namespace}/${name}`);
      if (!secret) {
        findings.push(gateway.finding(CODES.credentialNotFound, `credentialName '${name}' names no Secret in namespace ${pod.namespace}, where the gateway's pods run`, ['spec', 'servers', i, 'tls', 'credentialName']));
      } else if (!holdsCertificate(secret)) {
        findings.push(gateway.finding(CODES.credentialInvalid, `Secret ${secret.namespace}/${secret.name} named by credentialName holds no valid certificate (tls.crt or cert)`, ['spec', 'servers', i, 'tls', 'credentialName']));
      }
    });
  }
  return findings;
}

/** A certificate (`tls.crt`, or `cert` of a generic Secret) that parses and has not expired, with its key. */
function holdsCertificate(secret: Manifest): boolean {
  const read = (key: string) => {
    const encoded = secret.object.data?.[key];
    return typeof encoded === 'string' ? Buffer.from(encoded, 'base64').toString('utf8') : secret.object.stringData?.[key];
  };
  const [cert, key] = read('tls.crt') !== undefined ? [read('tls.crt'), read('tls.key')] : [read('cert'), read('key')];
  try {
    return typeof cert === 'string' && typeof key === 'string' && new Date(new X509Certificate(cert).validTo) > new Date();
  } catch {
    return false;
  }
}

/** IST0138: TLS servers of gateways on the same workloads that share a certificate. */
export function checkDuplicateCertificates(mesh: Mesh): Finding[] {
  const gateways = [...mesh.gateways.values()];
  const findings: Finding[] = [];
  for (const current of gateways) {
    const selector = selectorOf(current);
    const others = gateways.filter(g => g !== current && subset(selector, selectorOf(g)));
    for (const other of others) {
      for (const a of objects(current.object.spec?.servers)) {
        for (const b of objects(other.object.spec?.servers)) {
          if (a.tls && b.tls && sameCertificate(a.tls, b.tls)) {
            findings.push(current.finding(CODES.duplicateCertificate, `gateways ${current.namespace}/${current.name} and ${other.namespace}/${other.name} serve the same certificate; clients that reuse HTTP/2 connections may get 404s`, ['metadata', 'name']));
          }
        }
      }
    }
  }
  return findings;
}

function subset(x: Record<string, string>, y: Record<string, string>): boolean {
  const keys = Object.keys(x);
  return keys.every(k => !(k in y) || y[k] === x[k]) && keys.filter(k => k in y).length === keys.length;
}

function sameCertificate(a: any, b: any): boolean {
  if (a.credentialName && b.credentialName) {
    return a.credentialName === b.credentialName;
  }
  if (!a.credentialName && !b.credentialName && a.serverCertificate && a.serverCertificate === b.serverCertificate) {
    return Boolean(a.privateKey && b.privateKey && a.privateKey === b.privateKey);
  }
  return false;
}

/** IST0145: two gateways on the same workloads and port that serve one host (with the same bind). */
export function checkConflictingGateways(mesh: Mesh): Finding[] {
  const gateways = [...mesh.gateways.values()];
  const findings: Finding[] = [];
  for (const gateway of gateways) {
    const selector = selectorOf(gateway);
    const selectorText = selectorString(selector);
    const sameWorkloads = gateways.filter(g => {
      const text = selectorString(selectorOf(g));
      if (text === selectorText) {
        return true;
      }
      return (text.includes(selectorText) || selectorText.includes(text))
        && mesh.workloads.some(p => labelsMatch(selector, p.labels) && labelsMatch(selectorOf(g), p.labels));
    });
    for (const server of objects(gateway.object.spec?.servers)) {
      const port = server.port?.number;
      const hosts: string[] = Array.isArray(server.hosts) ? server.hosts.map(String) : [];
      const conflicting = sameWorkloads.filter(g => g !== gateway && objects(g.object.spec?.servers)
        .some(s => s.port?.number === port && (s.bind ?? '') === (server.bind ?? '') && (Array.isArray(s.hosts) ? s.hosts : []).some((h: unknown) => hosts.includes(String(h)))));
      if (conflicting.length > 0) {
        const names = conflicting.map(g => `${g.namespace}/${g.name}`).sort().join(', ');
        findings.push(gateway.finding(CODES.conflictingGateways, `conflicts with gateways ${names} (workload selector ${selectorText}, port ${port}, hosts ${hosts.join(', ')})`, ['spec', 'servers']));
      }
    }
  }
  return findings;
}

/** The gateways Istio's installer deploys besides the ingress gateway, which defaults.ts assumes. */
const INSTALLER_GATEWAYS = new Set(['egressgateway', 'eastwestgateway']);

/**
 * A selector of a gateway Istio's installer deploys (`istio: egressgateway`, `eastwestgateway`), while the
 * input describes no gateway pods at all: the gateway is taken as installed, as istioctl does for files.
 */
function installerGateway(mesh: Mesh, selector: Record<string, string>): boolean {
  return Object.keys(selector).length === 1 && INSTALLER_GATEWAYS.has(selector.istio)
    && !mesh.workloads.some(w => w.labels.istio !== undefined && !ASSUMED.has(w.manifest));
}
