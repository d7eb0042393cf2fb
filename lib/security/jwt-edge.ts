import { Construct } from 'constructs';
import { AuthorizationPolicy, AuthorizationPolicySpecAction, RequestAuthentication } from '../../imports/security.istio.io';
import { ROOT_NAMESPACE } from '../private/mesh-defaults';
import { assertDnsLabel } from '../private/validate';
import type { IngressGateway } from '../traffic/ingress-gateway';
import { SynthIndex } from '../private/synth-index';

/**
 * Properties for `JwtEdge`.
 */
export interface JwtEdgeProps {
  /** Issuer (`iss` claim) of accepted tokens, e.g. `https://accounts.example.com` or `testing@secure.istio.io`. */
  readonly issuer: string;

  /** URL of the issuer's JSON Web Key Set, `https://`. */
  readonly jwksUri: string;

  /** Request paths that require a valid token (exact, `prefix*` or `*suffix`); others stay public. */
  readonly paths: string[];

  /**
   * The ingress gateway to protect. A Gateway API ingress gets both policies attached to its Gateway
   * (`targetRefs`, in its namespace), on its listeners' ports; for an Istio-API ingress, `namespace` and
   * `selector` still say where its proxies run (Istio's ingress deployment), and its servers' ports apply.
   *
   * @default - Istio's ingress gateway, by `namespace` and `selector`
   */
  readonly gateway?: IngressGateway;

  /**
   * Namespace of the ingress gateway workload.
   *
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * Labels of the ingress gateway workload.
   *
   * @default { istio: 'ingressgateway' }
   */
  readonly selector?: Record<string, string>;

  /**
   * Ports of the gateway workload (container ports, not Service ports) whose HTTP traffic the policy
   * covers. A DENY rule that matches only HTTP attributes would deny every TCP connection under its
   * scope (istiod warns at apply); naming the ports keeps TCP and TLS passthrough servers untouched.
   *
   * @default [8080, 8443] (Istio's default ingress gateway serves its Service ports 80 and 443 on them)
   */
  readonly ports?: number[];
}

/**
 * Validates JWTs at the ingress gateway and requires one for chosen paths.
 *
 * A RequestAuthentication rejects requests with an invalid token; an AuthorizationPolicy denies requests
 * to `paths` that carry no valid token at all (a request without a token is not rejected by
 * RequestAuthentication alone).
 *
 * @see https://istio.io/latest/docs/tasks/security/authentication/jwt-route/
 */
export class JwtEdge extends Construct {
  /** The generated RequestAuthentication. */
  public readonly requestAuthentication: RequestAuthentication;

  /** The generated AuthorizationPolicy that requires a request principal on `paths`. */
  public readonly authorizationPolicy: AuthorizationPolicy;

  public constructor(scope: Construct, id: string, props: JwtEdgeProps) {
    super(scope, id);
    SynthIndex.watch(this);
    if (props.issuer.trim().length === 0) {
      throw new Error(`'issuer' must not be empty: it is matched against the token's iss claim`);
    }
    validateUrl('jwksUri', props.jwksUri, ['https:']);
    if (props.paths.length === 0 || props.paths.some(p => !p.startsWith('/') && !p.startsWith('*'))) {
      throw new Error(`'paths' must list paths starting with '/' (or '*' for a suffix match), got [${props.paths.join(', ')}]`);
    }
    const ports = props.ports ?? props.gateway?.ports ?? [8080, 8443];
    if (ports.length === 0 || ports.some(p => !Number.isInteger(p) || p < 1 || p > 65535)) {
      throw new Error(`'ports' must list port numbers 1..65535 of the gateway workload, got [${ports.join(', ')}]`);
    }
    const target = attachment(props);
    this.requestAuthentication = new CanonicalRequestAuthentication(this, 'Resource', {
      metadata: { name: `${id}-jwt`, namespace: target.namespace },
      spec: { ...target.spec, jwtRules: [{ issuer: props.issuer, jwksUri: props.jwksUri }] },
    });
    this.authorizationPolicy = new AuthorizationPolicy(this, 'RequireJwt', {
      metadata: { name: `${id}-require-jwt`, namespace: target.namespace },
      spec: {
        ...target.spec,
        action: AuthorizationPolicySpecAction.DENY,
        rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: props.paths, ports: ports.map(String) } }] }],
      },
    });
  }
}

/** Where the policies go: attached to a Gateway API Gateway, or selecting Istio's ingress proxies. */
function attachment(props: JwtEdgeProps): { namespace: string; spec: { selector?: { matchLabels: Record<string, string> }; targetRefs?: any[] } } {
  const gateway = props.gateway;
  if (gateway && gateway.gateway === undefined) {
    if (props.namespace !== undefined || props.selector !== undefined) {
      throw new Error(`'namespace' and 'selector' must be left out with a Gateway API 'gateway' ('${gateway.name}'): the policies attach to the Gateway in its namespace`);
    }
    if (gateway.namespace === undefined) {
      throw new Error(`'gateway' is '${gateway.name}', which has no namespace: the policies attached to it must live in its namespace`);
    }
    return { namespace: gateway.namespace, spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gateway.name }] } };
  }
  const namespace = props.namespace ?? ROOT_NAMESPACE;
  assertDnsLabel('namespace', namespace);
  return { namespace, spec: { selector: { matchLabels: props.selector ?? gateway?.selector ?? { istio: 'ingressgateway' } } } };
}

/**
 * A RequestAuthentication that writes `jwksUri`, as Istio documents it. The generated class renders the
 * field as the deprecated alias `jwks_uri`, because cdk8s import folds the two spellings into one key.
 */
class CanonicalRequestAuthentication extends RequestAuthentication {
  public override toJson(): any {
    const json = super.toJson();
    const rules: any[] = json.spec?.jwtRules ?? [];
    return {
      ...json,
      spec: {
        ...json.spec,
        jwtRules: rules.map(({ jwks_uri: jwksUri, ...rule }) => (jwksUri === undefined ? rule : { ...rule, jwksUri })),
      },
    };
  }
}

function validateUrl(prop: string, value: string, schemes: string[]): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !schemes.includes(url.protocol)) {
    throw new Error(`'${prop}' must be a URL with scheme ${schemes.map(s => s.replace(':', '')).join(' or ')}, got '${value}'`);
  }
}
