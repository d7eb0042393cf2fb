import * as fs from 'fs';
import * as path from 'path';
import { analyzeYaml } from '../helpers';

// EnvoyFilter patch values decoded as istiod decodes them into Envoy's types. The verdict of every case
// (refused, warned, accepted) is what `istioctl validate` 1.30.3 said of it here; the messages are ours.

const FILTER = (applyTo: string, value: string) => `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: t, namespace: shop }
spec:
  configPatches:
  - applyTo: ${applyTo}
    patch: { operation: MERGE, value: ${value} }`;

const verdict = (applyTo: string, value: string) => analyzeYaml(FILTER(applyTo, value))
  .filter(f => (f.code === 'CI104' || f.code === 'CI105') && !f.message.startsWith('spec: EnvoyFilter exposes'))
  .map(f => `${f.code} ${f.message}`);

describe('EnvoyFilter patch values against Envoy\'s v3 types', () => {
  test.each([
    ['a number for a Duration', '{ connect_timeout: 5 }', 'CI104 spec.configPatches[0].patch.value.connect_timeout: Envoy filter: invalid google.protobuf.Duration value 5'],
    ['a Duration as an object', '{ dns_refresh_rate: { seconds: 1 } }', 'CI104 spec.configPatches[0].patch.value.dns_refresh_rate: Envoy filter: invalid google.protobuf.Duration value {"seconds":1}'],
    ['a string for a message', '{ circuit_breakers: x }', 'CI104 spec.configPatches[0].patch.value.circuit_breakers: Envoy filter: invalid value for message envoy.config.cluster.v3.CircuitBreakers: "x"'],
    ['an object for a list', '{ circuit_breakers: { thresholds: { max_connections: 1 } } }', 'CI104 spec.configPatches[0].patch.value.circuit_breakers.thresholds: Envoy filter: invalid value for repeated field thresholds: {"max_connections":1}'],
    ['a string for a bool', '{ respect_dns_ttl: "true" }', 'CI104 spec.configPatches[0].patch.value.respect_dns_ttl: Envoy filter: invalid value for bool type: "true"'],
    ['a number for a string', '{ name: 5 }', 'CI104 spec.configPatches[0].patch.value.name: Envoy filter: invalid value for string type: 5'],
    ['a negative uint32', '{ upstream_connection_options: { tcp_keepalive: { keepalive_time: -1 } } }', 'CI104 spec.configPatches[0].patch.value.upstream_connection_options.tcp_keepalive.keepalive_time: Envoy filter: invalid value for uint32 type: -1'],
    ['an unknown enum name', '{ lb_policy: ROUND_ROBN }', 'CI104 spec.configPatches[0].patch.value.lb_policy: Envoy filter: unknown value "ROUND_ROBN" for enum envoy.config.cluster.v3.Cluster.LbPolicy'],
    ['an Any of an unknown type', '{ typed_extension_protocol_options: { a: { "@type": type.googleapis.com/envoy.foo.v3.Nope } } }', 'CI104 spec.configPatches[0].patch.value.typed_extension_protocol_options.a.@type: referenced type unknown: could not resolve Any message type: type.googleapis.com/envoy.foo.v3.Nope'],
    ['an Any of a v2 type', '{ typed_extension_protocol_options: { a: { "@type": type.googleapis.com/envoy.config.filter.network.http_connection_manager.v2.HttpConnectionManager } } }', 'CI104 spec.configPatches[0].patch.value.typed_extension_protocol_options.a.@type: referenced type unknown (hint: try using the v3 XDS API): could not resolve Any message type: type.googleapis.com/envoy.config.filter.network.http_connection_manager.v2.HttpConnectionManager'],
    ['an unknown field (a warning: the strict decode only)', '{ connect_timeout: 1s, cluster_discovery_type: { name: x } }', 'CI105 spec.configPatches[0].patch.value.cluster_discovery_type: Envoy filter: unknown field "cluster_discovery_type" in envoy.config.cluster.v3.Cluster'],
  ])('CLUSTER: %s', (_what, value, expected) => {
    expect(verdict('CLUSTER', value)).toEqual([expected]);
  });

  test.each([
    ['an enum by number', '{ lb_policy: 3 }'],
    ['a uint32 as a string', '{ max_requests_per_connection: "12" }'],
    ['a Struct of anything', '{ metadata: { filter_metadata: { a: { b: 1 } } } }'],
    ['a wrapper as its scalar', '{ per_connection_buffer_limit_bytes: 5 }'],
  ])('CLUSTER: %s is accepted', (_what, value) => {
    expect(verdict('CLUSTER', value)).toEqual([]);
  });

  test('a typed_config is read as its @type: a local rate limit with a bucket of "ten" tokens is refused; a TypedStruct wrapping one is not read further', () => {
    const bucket = (tokens: string) => `{ name: envoy.filters.http.local_ratelimit, typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit, stat_prefix: rl, token_bucket: { max_tokens: ${tokens}, fill_interval: 60s } } }`;
    expect(verdict('HTTP_FILTER', bucket('"ten"'))).toEqual(['CI104 spec.configPatches[0].patch.value.typed_config.token_bucket.max_tokens: Envoy filter: invalid value for uint32 type: "ten"']);
    expect(verdict('HTTP_FILTER', bucket('10'))).toEqual([]);
    expect(verdict('HTTP_FILTER', '{ name: x, typed_config: { "@type": type.googleapis.com/udpa.type.v1.TypedStruct, type_url: type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit, value: { stat_prefix: 7 } } }')).toEqual([]);
  });

  test('two fields of one oneof are refused', () => {
    expect(verdict('HTTP_FILTER', '{ name: x, typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }, config_discovery: { type_urls: [a] } }'))
      .toEqual([expect.stringMatching(/^CI104 spec\.configPatches\[0\]\.patch\.value\.config_discovery: Envoy filter: error parsing "config_discovery", oneof .*config_type is already set \(by "typed_config"\)$/)]);
  });

  test('the generated table holds the type of every applyTo, from the pinned go-control-plane', () => {
    const table = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../lib/analyze/webhook/envoy-types.json'), 'utf8'));
    for (const type of ['envoy.config.cluster.v3.Cluster', 'envoy.config.listener.v3.Listener', 'envoy.config.route.v3.RouteConfiguration',
      'envoy.config.listener.v3.FilterChain', 'envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter', 'envoy.config.listener.v3.Filter',
      'envoy.config.route.v3.VirtualHost', 'envoy.config.route.v3.Route', 'envoy.config.core.v3.TypedExtensionConfig', 'envoy.config.bootstrap.v3.Bootstrap',
      'envoy.config.listener.v3.ListenerFilter']) {
      expect(table.messages[type]?.map((f: any) => f.n)).toContain(type.endsWith('Bootstrap') ? 'static_resources' : 'name');
    }
    expect(Object.keys(table.messages).length).toBeGreaterThan(1400);
  });
});
