import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { labelsMatch } from './private/labels';
import { formatLabels } from './private/objects';
import { SynthIndex } from './private/synth-index';
import { assertDnsLabel } from './private/validate';
import { PodWorkload, workloadsBelow, workloadsSelectedBy } from './private/workloads';

/** Marks the props of a host outside the cluster, which is a DNS name rather than a Service name. */
const EXTERNAL = Symbol('cdk8s-istio.external');

/**
 * Options for `MeshService.fromHost`.
 */
export interface MeshServiceOptions {
  /**
   * Namespace the service lives in.
   *
   * @default - the namespace of whatever construct routes to it
   */
  readonly namespace?: string;

  /**
   * Port that routes send traffic to.
   *
   * @default - no port in route destinations; Istio picks the service's only port
   */
  readonly port?: number;

  /**
   * Kubernetes ServiceAccount the service's workloads run as: their mTLS identity, which
   * authorization policies match.
   *
   * @default - unknown: the service cannot be a caller in a `ZeroTrust` graph
   */
  readonly serviceAccount?: string;

  /**
   * Subsets that a DestinationRule outside this app already defines for the host.
   *
   * Routes may only name these (and subsets that a `ServiceSubsets` in this app adds).
   *
   * @default - none: routes to this service cannot name a subset until a `ServiceSubsets` defines one
   */
  readonly subsets?: string[];
}

/**
 * Options for `MeshService.fromService`.
 */
export interface ServiceObjectOptions {
  /**
   * Name of the Service, when `service` holds several (an `Include` of a file, a `Helm` chart).
   *
   * @default - the only Service below `service`
   */
  readonly name?: string;

  /**
   * Name of the Service port that routes send traffic to.
   *
   * @default - the Service's only port; with several, none (a route must then name one, which the analyzer checks)
   */
  readonly portName?: string;
}

/**
 * Properties for `MeshService`.
 */
export interface MeshServiceProps extends MeshServiceOptions {
  /**
   * Short name of the Kubernetes Service, used as the Istio `host`.
   */
  readonly host: string;

  /**
   * Pod labels the Service selects.
   *
   * When set, every subset of the service must select at least one Deployment defined in the app.
   *
   * @default - workloads live outside this app; subset labels are not checked against Deployments
   */
  readonly selector?: Record<string, string>;
}

/**
 * Whose requests a policy can admit: a `MeshService` (its workloads' ServiceAccount) or a
 * `WorkloadIdentity`. A `ZeroTrust` edge starts at one.
 */
export interface ICaller {
  /**
   * SPIFFE principal the caller's requests carry (`cluster.local/ns/<namespace>/sa/<account>`), or
   * `undefined` for a service whose ServiceAccount the app does not know.
   */
  readonly callerPrincipal?: string;
}

/**
 * A handle on a service in the mesh: the host that traffic constructs route to, and the subsets it has.
 *
 * App constructs such as `BookinfoApp` create handles for the services they define; use
 * `MeshService.fromHost` for a service whose workloads are deployed elsewhere. Traffic constructs take
 * handles instead of host strings, so a route can only name subsets that a DestinationRule defines.
 */
export class MeshService implements ICaller {
  /**
   * Refers to an existing service by host name.
   *
   * @example MeshService.fromHost('reviews', { namespace: 'bookinfo', subsets: ['v1', 'v2'] })
   */
  public static fromHost(host: string, options: MeshServiceOptions = {}): MeshService {
    return new MeshService({ ...options, host });
  }

  /**
   * A handle on a Service the app defines, whoever wrote it: a cdk8s-plus `Service`, a `KubeService`, or
   * a Service of an `Include`d file or a `Helm` chart (pass the Include and `name`).
   *
   * Host, namespace, port and selector come from the Service as it stands; the workloads the selector
   * matches (Deployments, StatefulSets, DaemonSets, Argo Rollouts, in the Service's chart or else
   * anywhere in the app) give the ServiceAccount and the versions (`version` labels), so `ServiceSubsets`
   * and `ZeroTrust` need no repeated strings. At synth the handle is checked against the final objects.
   *
   * @example MeshService.fromService(checkoutDeployment.exposeViaService({ name: 'checkout', ports: [{ port: 8080, name: 'http' }] }))
   */
  public static fromService(service: IConstruct, options: ServiceObjectOptions = {}): MeshService {
    const object = serviceObject(service, options.name);
    const manifest = object.toJson();
    const ports: Array<{ name?: string; port: number }> = manifest.spec?.ports ?? [];
    let port: number | undefined;
    if (options.portName !== undefined) {
      port = ports.find(p => p.name === options.portName)?.port;
      if (port === undefined) {
        throw new Error(`'portName' names '${options.portName}', which Service '${object.name}' (${object.node.path}) does not have `
          + `(ports: ${ports.map(p => `${p.name ?? '(unnamed)'} ${p.port}`).join(', ') || 'none'})`);
      }
    } else if (ports.length === 1) {
      port = ports[0].port;
    }
    const selector: Record<string, string> | undefined = manifest.spec?.selector;
    const namespace: string | undefined = manifest.metadata?.namespace;
    const workloads = selector ? selectedNow(object, namespace, selector) : [];
    const accounts = [...new Set(workloads.map(w => w.serviceAccount))];
    const handle = new MeshService({
      host: object.name,
      namespace,
      port,
      selector,
      serviceAccount: accounts.length === 1 ? accounts[0] : undefined,
    });
    handle._source = object;
    handle.workloadVersions = [...new Set(workloads.flatMap(w => w.labels.version ?? []))].sort();
    handle._identityProblem = accounts.length > 1
      ? `its workloads run as several ServiceAccounts (${workloads.map(w => `${w.name}: ${w.serviceAccount}`).join(', ')})`
      : workloads.length === 0 ? `no workload of the app matches its selector yet (${object.node.path})` : undefined;
    return handle;
  }

  /**
   * A handle on a host outside the cluster, whose name is a DNS name rather than a Service name.
   *
   * @internal
   */
  public static _external(host: string, namespace: string | undefined, port: number): MeshService {
    return new MeshService({ host, namespace, port, [EXTERNAL]: true } as MeshServiceProps);
  }

  /** Short host name, as Istio's docs write it (`reviews`). */
  public readonly host: string;

  /** Namespace of the service, if known. */
  public readonly namespace?: string;

  /** Port routes send traffic to, if one is pinned. */
  public readonly port?: number;

  /** Pod labels the Service selects, when its workloads are defined in this app. */
  public readonly selector?: Record<string, string>;

  /** ServiceAccount of the service's workloads, if known. */
  public readonly serviceAccount?: string;

  /**
   * The `version` labels of the service's workloads, for a handle from `fromService` (empty otherwise);
   * `ServiceSubsets` defines a subset for each unless told otherwise.
   */
  public get versions(): string[] {
    return [...this.workloadVersions];
  }

  /**
   * The Service object the handle was made from, if any.
   *
   * @internal
   */
  public _source?: ApiObject;

  /**
   * Why the handle has no ServiceAccount, when it was made from a Service.
   *
   * @internal
   */
  public _identityProblem?: string;

  private readonly external: boolean;
  private workloadVersions: string[] = [];
  private checkedBy?: IConstruct;
  private identityCheckedBy?: IConstruct;
  private readonly subsetLabels = new Map<string, Record<string, string> | undefined>();
  private readonly subsetOwners = new Map<string, string>();

  public constructor(props: MeshServiceProps) {
    this.external = (props as any)[EXTERNAL] === true;
    if (!this.external) {
      assertDnsLabel('host', props.host);
    }
    if (props.namespace !== undefined) {
      assertDnsLabel('namespace', props.namespace);
    }
    if (props.port !== undefined && (!Number.isInteger(props.port) || props.port < 1 || props.port > 65535)) {
      throw new Error(`'port' must be an integer between 1 and 65535, got ${props.port}`);
    }
    this.host = props.host;
    this.namespace = props.namespace;
    this.port = props.port;
    this.selector = props.selector;
    this.serviceAccount = props.serviceAccount;
    for (const subset of props.subsets ?? []) {
      this.registerSubset(subset, undefined, 'fromHost');
    }
  }

  /** Fully qualified host name (`reviews.bookinfo.svc.cluster.local`), when the namespace is known. */
  public get fqdn(): string | undefined {
    if (this.external) {
      return this.host;
    }
    return this.namespace ? `${this.host}.${this.namespace}.svc.cluster.local` : undefined;
  }

  /**
   * SPIFFE principal of the service's workloads (`cluster.local/ns/<namespace>/sa/<account>`), as
   * AuthorizationPolicy `principals` match it; `undefined` unless namespace and ServiceAccount are known.
   */
  public get principal(): string | undefined {
    return this.namespace && this.serviceAccount ? `cluster.local/ns/${this.namespace}/sa/${this.serviceAccount}` : undefined;
  }

  /** The principal of the service's workloads, as a `ZeroTrust` caller (`principal`). */
  public get callerPrincipal(): string | undefined {
    return this.principal;
  }

  /** Names of the subsets defined for this host, in definition order. */
  public get subsets(): string[] {
    return [...this.subsetLabels.keys()];
  }

  /** Labels of a subset defined in this app, or `undefined` for subsets declared with `fromHost`. */
  public labelsOf(subset: string): Record<string, string> | undefined {
    return this.subsetLabels.get(subset);
  }

  /**
   * Compares, at synth, what the handle says with the objects the app defines: the port with its Service,
   * the selector with the pods and, once a block uses the handle's identity (a `ZeroTrust` caller), the
   * ServiceAccount with the pods' (a typo there answers 403 to every request). Registered once per handle
   * and kind, on the first block that needs it, which the errors name.
   *
   * @internal
   */
  public _checkAgainstApp(user: IConstruct, identity = false): void {
    if (this.external) {
      return;
    }
    if (this.checkedBy === undefined) {
      this.checkedBy = user;
      SynthIndex.addCheck(user, () => this.appErrors(user, false));
    }
    if (identity && this.identityCheckedBy === undefined) {
      this.identityCheckedBy = user;
      SynthIndex.addCheck(user, () => this.appErrors(user, true));
    }
  }

  private appErrors(user: IConstruct, identity: boolean): string[] {
    const index = SynthIndex.of(user);
    const services = index.memo('services-by-name', () => {
      const map = new Map<string, { object: ApiObject; manifest: any }>();
      for (const { object, manifest } of index.objectsOf('Service')) {
        if (object.apiVersion === 'v1') {
          map.set(`${manifest.metadata?.namespace ?? ''}/${manifest.metadata?.name}`, { object, manifest });
        }
      }
      return map;
    });
    const handle = `MeshService '${this.host}'`;
    const errors: string[] = [];
    const service = services.get(`${this.namespace ?? ''}/${this.host}`);
    const ports: Array<{ name?: string; port: number }> = service?.manifest.spec?.ports ?? [];
    if (!identity && service && this.port !== undefined && !ports.some(p => p.port === this.port)) {
      errors.push(`${handle} routes to port ${this.port}, which its Service (${service.object.node.path}) does not have `
        + `(ports: ${ports.map(p => p.name ? `${p.name} ${p.port}` : `${p.port}`).join(', ') || 'none'})`);
    }
    const serviceSelector: Record<string, string> | undefined = service?.manifest.spec?.selector;
    const selector = this.selector ?? serviceSelector;
    if (!selector || Object.keys(selector).length === 0) {
      return errors;
    }
    const workloads = workloadsSelectedBy(user, this.namespace, selector);
    if (workloads.length === 0) {
      // the host's pods, as its Service (or, without one, the app label) finds them
      const expected = this.selector && serviceSelector ? serviceSelector : { app: this.host };
      const theirs = expected === selector ? [] : workloadsSelectedBy(user, this.namespace, expected);
      if (theirs.length > 0 && !identity) {
        errors.push(`${handle} selects ${formatLabels(selector)}, which no pod of the app carries, while the host's workloads `
          + `(${theirs.map(w => describe(w)).join(', ')}) are selected by ${formatLabels(expected)}`);
      }
      return errors;
    }
    const others = workloads.filter(w => w.serviceAccount !== this.serviceAccount);
    if (identity && this.serviceAccount !== undefined && others.length > 0) {
      errors.push(`${handle} says its pods run as ServiceAccount '${this.serviceAccount}', but ${others.map(w => `${describe(w)} runs as '${w.serviceAccount}'`).join(', ')}: `
        + 'policies that admit it would refuse those pods\' requests (403)');
    }
    return errors;
  }

  /**
   * Pod labels the host's pods carry besides the selector's once a controller runs them (Flagger's
   * `-primary` pods), which policies that select the host's pods must select too; set by the block that
   * hands the host over, which `by` names.
   *
   * @internal
   */
  public _controllerPods?: { readonly labels: Record<string, string>; readonly by: string };

  /**
   * Records a subset defined by a DestinationRule. Called by `ServiceSubsets`.
   *
   * @internal
   */
  public _addSubset(name: string, labels: Record<string, string>, definedBy: string): void {
    this.registerSubset(name, labels, definedBy);
  }

  /**
   * Describes why `subset` cannot be routed to, or returns `undefined` when a DestinationRule defines it.
   *
   * @internal
   */
  public _subsetError(prop: string, subset: string): string | undefined {
    if (this.subsetLabels.has(subset)) {
      return undefined;
    }
    const defined = this.subsets.length > 0 ? this.subsets.join(', ') : 'none';
    return `'${prop}' names subset '${subset}', which no DestinationRule defines for host '${this.host}' (defined: ${defined})`;
  }

  private registerSubset(name: string, labels: Record<string, string> | undefined, definedBy: string): void {
    const owner = this.subsetOwners.get(name);
    if (owner !== undefined) {
      throw new Error(`subset '${name}' of host '${this.host}' is defined twice (by ${owner} and ${definedBy})`);
    }
    this.subsetLabels.set(name, labels);
    this.subsetOwners.set(name, definedBy);
  }
}

/** The Service API object `service` is, or the one below it (named `name`). */
function serviceObject(service: IConstruct, name: string | undefined): ApiObject {
  const objects = service instanceof ApiObject ? [service] : service.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  const services = objects.filter(o => o.kind === 'Service' && o.apiVersion === 'v1');
  const named = name === undefined ? services : services.filter(o => o.name === name);
  if (named.length !== 1) {
    const found = services.map(o => o.name).join(', ') || 'none';
    throw new Error(name === undefined
      ? `'service' must be or hold one Kubernetes Service, ${service.node.path} holds ${services.length} (${found}): pass 'name'`
      : `'name' names Service '${name}', which ${service.node.path} does not hold (Services: ${found})`);
  }
  return named[0];
}

/** The workloads that a Service's selector matches now: in its chart, else anywhere in the app. */
function selectedNow(object: ApiObject, namespace: string | undefined, selector: Record<string, string>): PodWorkload[] {
  const matching = (ws: PodWorkload[]) => ws.filter(w => w.namespace === namespace && Object.keys(selector).length > 0 && labelsMatch(selector, w.labels));
  const inChart = matching(workloadsBelow(Chart.of(object)));
  return inChart.length > 0 ? inChart : matching(workloadsBelow(object.node.root));
}

function describe(w: PodWorkload): string {
  return `${w.kind} ${w.name} (${w.object.node.path})`;
}
