import { Manifest } from '../read/manifest';
import { emptySelector, HTTP_PROTOCOLS, ipSubnets, labels, portName, protocol, TLS_PROTOCOLS } from './values';
import { exportTo, FQDN, isIpAddress, list, port, Verdict, wildcardDomainError } from './verdict';
import { endpoint } from './workload-entry';

// istiod's webhook rules for ServiceEntry and WorkloadEntry and the endpoints they share (Istio 1.30
// pkg/config/validation/validation.go). The CRDs' CEL rules already refuse the `*` host, duplicate
// ports, CIDRs outside NONE/STATIC, endpoints with NONE, several DNS_ROUND_ROBIN endpoints, unix
// socket paths and unix endpoints with ports, and a workload selector beside endpoints.

const TCP_PROTOCOLS = new Set(['tcp', 'https', 'tls', 'mongo', 'redis', 'mysql']);

const DYNAMIC_DNS_PROTOCOLS = new Set(['http', 'tls', 'grpc', 'http2']);

const protocolOf = (p: any) => String(p?.protocol ?? '').toLowerCase();

function serviceEntryHosts(v: Verdict, spec: any): void {
  list(spec.hosts).forEach((host, i) => {
    if (typeof host !== 'string' || host === '*') return;
    const error = wildcardDomainError(host);
    if (error) v.error(['spec', 'hosts', i], error);
    if (spec.resolution !== 'DYNAMIC_DNS' && host.includes('*') && !host.startsWith('*.')) {
      v.warning(['spec', 'hosts', i], `partial wildcard "${host}" not allowed`);
    }
  });
}

function serviceEntryPorts(v: Verdict, m: Manifest, spec: any): void {
  const autoAllocation = (spec.resolution ?? 'NONE') !== 'NONE' && list(spec.addresses).length === 0
    && String(m.object.metadata?.labels?.['networking.istio.io/enable-autoallocate-ip'] ?? '').toLowerCase() !== 'false';
  list(spec.ports).forEach((p, i) => {
    if (!p || typeof p !== 'object') return;
    const at = ['spec', 'ports', i];
    if (list(spec.addresses).length === 0 && !autoAllocation && (protocolOf(p) === '' || protocolOf(p) === 'tcp')) {
      v.warning(at, 'addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled');
    }
    portName(v, [...at, 'name'], p.name);
    protocol(v, [...at, 'protocol'], p.protocol);
  });
}

function dnsResolution(v: Verdict, spec: any, servicePorts: Set<string>): void {
  const endpoints = list(spec.endpoints);
  if (endpoints.length === 0) {
    const wildcard = list(spec.hosts).findIndex(h => typeof h === 'string' && !FQDN.test(h));
    if (wildcard >= 0) {
      v.error(['spec', 'hosts', wildcard], `hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${spec.resolution}`);
    }
  }
  endpoints.forEach((e, i) => {
    if (!e || typeof e !== 'object') return;
    const at = ['spec', 'endpoints', i];
    const address = typeof e.address === 'string' ? e.address : '';
    if (!isIpAddress(address) && !FQDN.test(address)) v.error([...at, 'address'], `endpoint address "${address}" is not a valid FQDN or an IP address`);
    labels(v, [...at, 'labels'], e.labels);
    for (const [name, number] of Object.entries(e.ports && typeof e.ports === 'object' ? e.ports : {})) {
      if (!servicePorts.has(name)) v.error([...at, 'ports', name], `endpoint port ${number} is not defined by the service entry`);
      port(v, [...at, 'ports', name], number);
    }
  });
  if (list(spec.addresses).length > 0 && list(spec.hosts).length > 1 && list(spec.ports).some(p => TCP_PROTOCOLS.has(protocolOf(p)))) {
    v.warning(['spec', 'hosts'], 'service entry can not have more than one host specified simultaneously with address and tcp port');
  }
}

function dynamicDnsResolution(v: Verdict, m: Manifest, spec: any): void {
  const mode = 'resolution type DYNAMIC_DNS';
  list(spec.hosts).forEach((host, i) => {
    if (typeof host === 'string' && !host.startsWith('*')) v.error(['spec', 'hosts', i], 'host must be wildcarded for resolution mode DYNAMIC_DNS');
  });
  if (list(spec.addresses).length > 0) v.error(['spec', 'addresses'], `addresses cannot be set for ${mode}. HTTP route domains will only be generated from the hosts field values`);
  if (list(spec.endpoints).length > 0) v.error(['spec', 'endpoints'], `endpoints cannot be set for ${mode}. Destination IP address determined from hosts field values`);
  list(spec.ports).forEach((p, i) => {
    if (p && !DYNAMIC_DNS_PROTOCOLS.has(protocolOf(p))) v.error(['spec', 'ports', i, 'protocol'], `only HTTP, TLS, GRPC, and HTTP2 protocols are supported for ${mode}`);
  });
  const waypoint = m.object.metadata?.labels?.['istio.io/use-waypoint'];
  if (spec.location === 'MESH_INTERNAL' && waypoint && waypoint !== 'none') {
    v.error(['spec', 'location'], `location MESH_INTERNAL with ${mode} is not supported when using waypoints`);
  }
}

export function serviceEntry(v: Verdict, m: Manifest): void {
  const spec = m.object.spec ?? {};
  const resolution = spec.resolution ?? 'NONE';
  emptySelector(v, ['spec', 'workloadSelector'], spec.workloadSelector, 'labels', 'service entry: ');
  serviceEntryHosts(v, spec);
  ipSubnets(v, ['spec', 'addresses'], spec.addresses);
  serviceEntryPorts(v, m, spec);
  const servicePorts = new Set<string>(list(spec.ports).map(p => p?.name).filter((n): n is string => typeof n === 'string'));
  if (resolution === 'NONE' && spec.workloadSelector) v.warning(['spec', 'workloadSelector'], 'workloadSelector should not be set when resolution mode is NONE');
  if (resolution === 'STATIC') {
    list(spec.endpoints).forEach((e, i) => {
      if (e && typeof e === 'object') endpoint(v, ['spec', 'endpoints', i], e, { servicePorts, fqdn: false });
    });
  }
  if (resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') dnsResolution(v, spec, servicePorts);
  if (resolution === 'DYNAMIC_DNS') dynamicDnsResolution(v, m, spec);
  if (resolution !== 'NONE' && list(spec.hosts).length > 1) {
    const i = list(spec.ports).findIndex(p => p && !HTTP_PROTOCOLS.has(protocolOf(p)) && !TLS_PROTOCOLS.has(protocolOf(p)));
    if (i >= 0) v.error(['spec', 'ports', i, 'protocol'], 'multiple hosts provided with non-HTTP, non-TLS ports');
  }
  exportTo(v, m, { serviceEntry: true });
}
