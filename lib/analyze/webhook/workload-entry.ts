import { Manifest } from '../read/manifest';
import { labels } from './values';
import { FQDN, isIpAddress, Path, port, Verdict } from './verdict';

/**
 * One endpoint (a WorkloadEntry's spec, or a ServiceEntry endpoint): its address, ports and labels.
 * `servicePorts` are the port names of the ServiceEntry, if any; `fqdn` allows host names (DNS resolution).
 */
export function endpoint(v: Verdict, path: Path, we: any, options: { servicePorts?: Set<string>; fqdn: boolean }): void {
  const address = typeof we.address === 'string' ? we.address : '';
  if (address === '' && we.network) v.warning([...path, 'address'], `address is unset with network "${we.network}"`);
  // the CEL rules check unix socket paths
  const unix = address.startsWith('unix://');
  if (!unix && address !== '' && !isIpAddress(address)) {
    if (!options.fqdn) v.error([...path, 'address'], `endpoint address "${address}" is not a valid IP address`);
    else if (!FQDN.test(address)) v.error([...path, 'address'], `endpoint address "${address}" is not a valid FQDN or an IP address`);
  }
  for (const [name, number] of Object.entries(we.ports && typeof we.ports === 'object' ? we.ports : {})) {
    if (options.servicePorts && !options.servicePorts.has(name)) v.error([...path, 'ports', name], `endpoint port ${number} is not defined by the service entry`);
    port(v, [...path, 'ports', name], number);
  }
  labels(v, [...path, 'labels'], we.labels);
  if (unix && options.servicePorts && options.servicePorts.size !== 1) v.error(path, 'exactly 1 service port required for unix endpoints');
}

export function workloadEntry(v: Verdict, m: Manifest): void {
  // the CEL rules require an address or network and refuse ports on a unix socket
  endpoint(v, ['spec'], m.object.spec ?? {}, { fqdn: true });
}
