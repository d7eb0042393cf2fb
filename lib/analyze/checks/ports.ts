import { check, Check, Finding, Severity } from '../finding';
import { Mesh, Workload } from '../model/mesh';
import { podOf } from '../model/pods';
import { Manifest } from '../read/manifest';
import { objects, strings } from '../read/values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  tcpProtocolAsHttp: check('CI277', Severity.WARNING, '-', 'a port of a well-known TCP protocol (Postgres, MySQL, Redis, Kafka, …) that the Service declares as HTTP or gRPC',
    'a Service port named or `appProtocol` http, http2 or grpc whose port or target port is that of a well-known protocol that is not HTTP (PostgreSQL 5432, MySQL 3306, Redis 6379, MongoDB 27017, Kafka 9092, AMQP 5672, Memcached 11211, ZooKeeper 2181, Cassandra 9042, NATS 4222, SQL Server 1433, Oracle 1521, CockroachDB 26257, Pulsar 6650), or whose selected containers run that protocol\'s server image: the sidecar parses the bytes as HTTP and every connection fails'),
  targetPortNotServed: check('CI278', Severity.WARNING, '-', 'a Service targetPort that no container of the selected pods exposes',
    'a Service `targetPort` (its `port` when unset) that no container of the pods it selects exposes: a named one no container port is named (the Service gets no endpoints on it), a number none declares (checked only where the containers declare ports)'),
  policyPortNotServed: check('CI279', Severity.WARNING, '-', 'an AuthorizationPolicy port that the workloads it selects do not serve',
    'an AuthorizationPolicy `to.operation.ports` (or `notPorts`) value that no container of the selected workloads declares and no Service puts in front of them: the rule matches no request (checked only where their ports are known)'),
} satisfies Record<string, Check>;

/** Well-known protocols that are not HTTP: the ports their servers listen on, and images that run them. */
const TCP_PROTOCOLS: ReadonlyArray<{ name: string; ports: number[]; images: string[] }> = [
  { name: 'PostgreSQL', ports: [5432], images: ['postgres', 'postgresql', 'postgis', 'timescaledb', 'cloudnative-pg'] },
  { name: 'MySQL', ports: [3306], images: ['mysql', 'mariadb', 'percona'] },
  { name: 'Redis', ports: [6379], images: ['redis', 'valkey', 'keydb'] },
  { name: 'MongoDB', ports: [27017], images: ['mongo', 'mongodb'] },
  { name: 'Kafka', ports: [9092], images: ['kafka', 'cp-kafka', 'redpanda'] },
  { name: 'AMQP (RabbitMQ)', ports: [5672], images: ['rabbitmq'] },
  { name: 'Memcached', ports: [11211], images: ['memcached'] },
  { name: 'ZooKeeper', ports: [2181], images: ['zookeeper'] },
  { name: 'Cassandra', ports: [9042], images: ['cassandra', 'scylla'] },
  { name: 'NATS', ports: [4222], images: ['nats'] },
  { name: 'SQL Server', ports: [1433], images: ['mssql-server', 'mssql'] },
  { name: 'Oracle', ports: [1521], images: ['oracle-database', 'oracle-xe'] },
  { name: 'CockroachDB', ports: [26257], images: ['cockroach'] },
  { name: 'Pulsar', ports: [6650], images: ['pulsar'] },
];

const HTTP_PROTOCOLS = new Set(['http', 'http2', 'grpc', 'grpc-web', 'h2c']);

/** The protocol a Service port declares, as Istio reads it: `appProtocol`, else the name's prefix. */
function declaredProtocol(port: any): string | undefined {
  if (typeof port?.appProtocol === 'string') return port.appProtocol.replace(/^kubernetes\.io\//, '').toLowerCase();
  return typeof port?.name === 'string' ? port.name.split('-')[0].toLowerCase() : undefined;
}

/** An image's name without registry, path and tag (`docker.io/bitnami/postgresql:16` → `postgresql`). */
function imageName(image: unknown): string {
  return typeof image === 'string' ? (image.split('/').pop() ?? '').split(/[:@]/)[0].toLowerCase() : '';
}

function containersOf(workloads: Workload[]): any[] {
  return workloads.flatMap(w => podOf(w.manifest).containers);
}

/** Ports a workload's containers declare, by number and by name. */
function declaredPorts(workloads: Workload[]): { numbers: Set<number>; names: Set<string>; any: boolean } {
  const ports = containersOf(workloads).flatMap(c => objects(c.ports));
  return { numbers: new Set(ports.map(p => p.containerPort).filter(n => typeof n === 'number')), names: new Set(strings(ports.map(p => p.name))), any: ports.length > 0 };
}

/** CI277 and CI278: each Service port against the protocols and ports of the pods it selects. */
export function checkServicePorts(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const service of mesh.services.values()) {
    const selector = service.object.spec?.selector;
    const workloads = selector && typeof selector === 'object' && Object.keys(selector).length > 0 ? mesh.workloadsSelectedBy(service.namespace, selector) : [];
    const images = new Set(containersOf(workloads).map(c => imageName(c.image)));
    const declared = declaredPorts(workloads);
    objects(service.object.spec?.ports).forEach((port, i) => {
      const at = ['spec', 'ports', i];
      const protocol = declaredProtocol(port);
      const target = port.targetPort ?? port.port;
      if (protocol && HTTP_PROTOCOLS.has(protocol)) {
        const known = TCP_PROTOCOLS.find(p => p.ports.includes(port.port) || p.ports.includes(target) || p.images.some(image => images.has(image)));
        if (known) {
          const why = known.images.some(image => images.has(image)) ? `its pods run ${known.name} (${known.images.filter(x => images.has(x)).join(', ')})` : `port ${known.ports.includes(port.port) ? port.port : target} is ${known.name}'s`;
          findings.push(service.finding(CODES.tcpProtocolAsHttp, `port ${port.port} is declared ${protocol} (${typeof port.appProtocol === 'string' ? 'appProtocol' : 'by its name'} '${port.appProtocol ?? port.name}') but ${why}: the sidecar parses ${known.name} as HTTP and connections fail; name it tcp-… (or set appProtocol: tcp)`, at));
        }
      }
      if (workloads.length === 0) return;
      if (typeof target === 'string' && !declared.names.has(target)) {
        findings.push(service.finding(CODES.targetPortNotServed, `targetPort '${target}' names no container port of the pods it selects (${workloads.map(w => w.manifest.name).join(', ')}${declared.names.size > 0 ? `; named: ${[...declared.names].sort().join(', ')}` : ''}): the Service has no endpoints on port ${port.port}`, [...at, port.targetPort !== undefined ? 'targetPort' : 'port']));
      } else if (typeof target === 'number' && declared.any && !declared.numbers.has(target)) {
        findings.push(service.finding(CODES.targetPortNotServed, `targetPort ${target} is no container port of the pods it selects (${workloads.map(w => w.manifest.name).join(', ')} declare ${[...declared.numbers].sort((a, b) => a - b).join(', ')}): requests to port ${port.port} find nothing listening`, [...at, port.targetPort !== undefined ? 'targetPort' : 'port']));
      }
    });
  }
  return findings;
}

/** CI279: an AuthorizationPolicy port the workloads it selects do not serve. */
export function checkPolicyPorts(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const policy of mesh.ofKind('security.istio.io', 'AuthorizationPolicy')) {
    const labels = policy.object.spec?.selector?.matchLabels;
    if (!labels || typeof labels !== 'object' || policy.object.spec?.targetRef || policy.object.spec?.targetRefs) continue;
    const workloads = mesh.workloadsSelectedBy(policy.namespace, labels);
    const served = servedPorts(mesh, workloads);
    if (!served) continue;
    objects(policy.object.spec?.rules).forEach((rule, r) => objects(rule.to).forEach((to, t) => {
      for (const field of ['ports', 'notPorts']) {
        strings(to.operation?.[field]).forEach((value, p) => {
          const n = Number(value);
          if (Number.isInteger(n) && !served.has(n)) {
            findings.push(policy.finding(CODES.policyPortNotServed, `port ${value} is not served by the workloads it selects (${workloads.map(w => w.manifest.name).join(', ')} serve ${[...served].sort((a, b) => a - b).join(', ')}): the rule matches no request there; policies match the port the workload listens on (the targetPort), not the Service's`, ['spec', 'rules', r, 'to', t, 'operation', field, p]));
          }
        });
      }
    }));
  }
  return findings;
}

/** The ports workloads listen on: their containers' ports and the target ports of the Services in front; undefined when unknown. */
function servedPorts(mesh: Mesh, workloads: Workload[]): Set<number> | undefined {
  if (workloads.length === 0) return undefined;
  const declared = declaredPorts(workloads);
  const services: Manifest[] = workloads.flatMap(w => mesh.servicesOf(w));
  const targets = services.flatMap(s => objects(s.object.spec?.ports)).map(p => p.targetPort ?? p.port).filter((n): n is number => typeof n === 'number');
  if (!declared.any && targets.length === 0) return undefined;
  return new Set([...declared.numbers, ...targets]);
}
