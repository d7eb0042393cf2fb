import { ROOT_NAMESPACE } from '../private/mesh-defaults';
import { assertDnsLabel } from '../private/validate';
import { ICaller, MeshService } from '../service';

/**
 * Options for `WorkloadIdentity.ingressGateway`.
 */
export interface IngressGatewayIdentityOptions {
  /**
   * Namespace of the ingress gateway.
   *
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * ServiceAccount of the ingress gateway.
   *
   * @default 'istio-ingressgateway-service-account' (Istio's default ingress gateway)
   */
  readonly serviceAccount?: string;
}

/**
 * The mTLS identity of a workload that calls services: a ServiceAccount in a namespace.
 */
export class WorkloadIdentity implements ICaller {
  /** The identity of Istio's ingress gateway, which calls the services it exposes. */
  public static ingressGateway(options: IngressGatewayIdentityOptions = {}): WorkloadIdentity {
    return new WorkloadIdentity('ingress gateway', options.namespace ?? ROOT_NAMESPACE, options.serviceAccount ?? 'istio-ingressgateway-service-account');
  }

  /** The identity of a ServiceAccount. */
  public static fromServiceAccount(namespace: string, serviceAccount: string): WorkloadIdentity {
    return new WorkloadIdentity(`${namespace}/${serviceAccount}`, namespace, serviceAccount);
  }

  /** The identity a mesh service's workloads run as; throws if its ServiceAccount is not known. */
  public static of(service: MeshService): WorkloadIdentity {
    if (!service.namespace || !service.serviceAccount) {
      const why = service.namespace && service._identityProblem ? ` (${service._identityProblem})` : '';
      throw new Error(`caller '${service.host}' has no ${service.namespace ? 'serviceAccount' : 'namespace'}${why}: its requests carry no identity a policy can allow`);
    }
    return new WorkloadIdentity(service.host, service.namespace, service.serviceAccount);
  }

  private constructor(
    /** What error messages call the identity. */
    public readonly name: string,
    public readonly namespace: string,
    public readonly serviceAccount: string,
  ) {
    assertDnsLabel('namespace', namespace);
  }

  /** SPIFFE principal, as AuthorizationPolicy `principals` match it. */
  public get principal(): string {
    return `cluster.local/ns/${this.namespace}/sa/${this.serviceAccount}`;
  }

  /** The principal, as a `ZeroTrust` caller (always known for an identity). */
  public get callerPrincipal(): string | undefined {
    return this.principal;
  }
}
