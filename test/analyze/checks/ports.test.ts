import { analyzeYaml, lineOf } from '../helpers';

// Ports and protocols: what a Service declares against what its pods run and expose, and what an
// AuthorizationPolicy names against what its workloads serve. Written for this project.

const SERVICE = (ports: string, selector = 'app: pg') => `apiVersion: v1
kind: Service
metadata: { name: pg, namespace: payments }
spec: { selector: { ${selector} }, ports: [${ports}] }`;

const STATEFULSET = (image: string, ports = '[{ name: postgres, containerPort: 5432 }]') => `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: pg, namespace: payments }
spec:
  selector: { matchLabels: { app: pg } }
  serviceName: pg
  template:
    metadata: { labels: { app: pg } }
    spec: { containers: [{ name: db, image: ${image}, ports: ${ports} }] }`;

const codes = (code: string, ...docs: string[]) => analyzeYaml(...docs).filter(f => f.code === code).map(f => f.message);

describe('CI277 a well-known TCP protocol declared as HTTP', () => {
  test.each([
    ['a port named http on 5432', '{ name: http, port: 5432 }', 'example/ledger:1', /^port 5432 is declared http \(by its name 'http'\) but port 5432 is PostgreSQL's/],
    ['appProtocol http in front of MySQL', '{ name: db, port: 80, targetPort: 3306, appProtocol: http }', 'mysql:8', /^port 80 is declared http \(appProtocol 'http'\) but .*MySQL/],
    ['grpc on a Redis image at another port', '{ name: grpc-cache, port: 7000 }', 'docker.io/bitnami/redis:7.2', /^port 7000 is declared grpc .* but its pods run Redis \(redis\)/],
  ])('%s', (_what, port, image, message) => {
    const docs = [SERVICE(port), STATEFULSET(image, '[{ containerPort: 5432 }, { containerPort: 3306 }, { containerPort: 7000 }]')];
    expect(codes('CI277', ...docs)).toEqual([expect.stringMatching(message)]);
  });

  test('the same ports named tcp, or an HTTP server on 8080, are fine', () => {
    expect(codes('CI277', SERVICE('{ name: tcp-postgres, port: 5432 }'), STATEFULSET('postgres:16'))).toEqual([]);
    expect(codes('CI277', SERVICE('{ name: http, port: 8080 }'), STATEFULSET('nginx:1.27', '[{ containerPort: 8080 }]'))).toEqual([]);
  });
});

describe('CI278 a targetPort no container exposes', () => {
  test('a named targetPort no container port is named: no endpoints', () => {
    const docs = [SERVICE('{ name: tcp-postgres, port: 5432, targetPort: pgsql }'), STATEFULSET('postgres:16')];
    const [finding] = analyzeYaml(...docs).filter(f => f.code === 'CI278');
    expect(finding.message).toBe("targetPort 'pgsql' names no container port of the pods it selects (pg; named: postgres): the Service has no endpoints on port 5432");
    expect(finding.line).toBe(lineOf(docs, 'targetPort: pgsql'));
  });

  test('a number none declares, where containers declare ports; nothing is said where they declare none', () => {
    expect(codes('CI278', SERVICE('{ name: tcp-postgres, port: 5432, targetPort: 5433 }'), STATEFULSET('postgres:16')))
      .toEqual(['targetPort 5433 is no container port of the pods it selects (pg declare 5432): requests to port 5432 find nothing listening']);
    expect(codes('CI278', SERVICE('{ name: tcp-postgres, port: 5432, targetPort: 5433 }'), STATEFULSET('postgres:16', '[]'))).toEqual([]);
    expect(codes('CI278', SERVICE('{ name: tcp-postgres, port: 5432, targetPort: postgres }'), STATEFULSET('postgres:16'))).toEqual([]);
  });
});

describe('CI279 an AuthorizationPolicy port its workloads do not serve', () => {
  const POLICY = (ports: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: pg, namespace: payments }
spec:
  selector: { matchLabels: { app: pg } }
  rules: [{ to: [{ operation: { ports: [${ports}] } }] }]`;

  test('the Service\'s port instead of the container\'s: the rule matches nothing', () => {
    const docs = [SERVICE('{ name: tcp-postgres, port: 15432, targetPort: 5432 }'), STATEFULSET('postgres:16'), POLICY('"15432"')];
    expect(codes('CI279', ...docs)).toEqual([expect.stringMatching(/^port 15432 is not served by the workloads it selects \(pg serve 5432\): .*not the Service's$/)]);
    expect(codes('CI279', docs[0], docs[1], POLICY('"5432"'))).toEqual([]);
  });

  test('workloads whose ports are unknown are not judged', () => {
    expect(codes('CI279', STATEFULSET('postgres:16', '[]'), POLICY('"15432"'))).toEqual([]);
  });
});
