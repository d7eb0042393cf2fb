import { Construct } from 'constructs';
import { DataplaneMode, MeshNamespace } from '../mesh-namespace';
import { Waypoint } from '../security/waypoint';
import { Container, ObjectMeta, ResourceRequirements, SecurityContext, kubeDeployment, kubeService, kubeServiceAccount } from '../private/k8s';
import { assertDnsLabel, assertIntegerInRange } from '../private/validate';
import { MeshService } from '../service';
import { HttpMatch } from '../traffic/http-match';
import { WorkloadIdentity } from '../security/workload-identity';
import { CallEdge } from '../security/zero-trust';
import { IngressGateway, IngressTlsOptions } from '../traffic/ingress-gateway';
import { ServiceSubsets } from '../traffic/service-subsets';
import { SynthIndex } from '../private/synth-index';

/** Versions of the reviews service that Bookinfo ships. */
export enum ReviewsVersion {
  /** No stars. */
  V1 = 'v1',
  /** Black stars. */
  V2 = 'v2',
  /** Red stars. */
  V3 = 'v3',
}

/** How Bookinfo runs the versions of reviews. */
export enum ReviewsDeployment {
  /** A Deployment per version (`reviews-v1`, `-v2`, `-v3`) and a subset per version: a release is a routing change. */
  PER_VERSION = 'per-version',
  /**
   * One Deployment, `reviews`, running the one version of `reviewsVersions`, and no subsets: a delivery
   * controller (Flagger, Argo Rollouts) releases the next version by a change of its image.
   */
  ONE_WORKLOAD = 'one-workload',
}

/**
 * Properties for `BookinfoApp`.
 */
export interface BookinfoAppProps {
  /**
   * Namespace to deploy into; it is created with sidecar injection enabled.
   *
   * @default - no namespace object; resources carry no namespace and land where `kubectl apply` targets
   */
  readonly namespace?: string;

  /**
   * Registry the Bookinfo images are pulled from.
   *
   * @default 'registry.istio.io/release'
   */
  readonly imageRegistry?: string;

  /**
   * Tag of the Bookinfo images.
   *
   * @default '1.20.3' (the tag of Istio 1.30.3's bookinfo.yaml)
   */
  readonly imageTag?: string;

  /**
   * Replicas of every Deployment.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Versions of reviews that are deployed; the reviews DestinationRule defines one subset per version.
   *
   * @default [ReviewsVersion.V1, ReviewsVersion.V2, ReviewsVersion.V3]
   */
  readonly reviewsVersions?: ReviewsVersion[];

  /**
   * A Deployment per version of reviews, or one Deployment that a delivery controller promotes.
   *
   * @default ReviewsDeployment.PER_VERSION
   */
  readonly reviewsDeployment?: ReviewsDeployment;

  /**
   * Whether the Gateway and VirtualService that expose productpage on Istio's ingress gateway are defined.
   *
   * @default true
   */
  readonly ingress?: boolean;

  /**
   * Serve the ingress over HTTPS with this secret, and redirect HTTP to HTTPS.
   *
   * @default - plain HTTP on port 8080, as upstream
   */
  readonly ingressTls?: IngressTlsOptions;

  /**
   * Harden the workloads where it cannot break the app: ServiceAccounts without API tokens, resource
   * requests and limits on every container, and a restricted security context (non-root, no privilege
   * escalation, no capabilities) on the images known to run as a non-root user.
   *
   * @default false (upstream's manifests, unchanged)
   */
  readonly hardening?: boolean;

  /**
   * Whether the productpage Service is of type NodePort, as the tutorial exposes it.
   *
   * @default false
   */
  readonly productpageNodePort?: boolean;

  /**
   * Sidecars, or ambient mode for the namespace.
   *
   * @default DataplaneMode.SIDECAR
   */
  readonly dataplaneMode?: DataplaneMode;

  /**
   * Name of a waypoint to deploy in the namespace and to route its services' L7 traffic through
   * (ambient mode; HTTP routing and L7 authorization need one).
   *
   * @default - no waypoint
   */
  readonly waypoint?: string;
}

const PORT = 9080;

/** The restricted security context, for images that run as a non-root user. */
const RESTRICTED: SecurityContext = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};

function sized(cpu: string, memory: string, memoryLimit: string): ResourceRequirements {
  return { requests: { cpu, memory }, limits: { cpu: '1', memory: memoryLimit } };
}

/** The paths of productpage that upstream's bookinfo-gateway.yaml exposes. */
const INGRESS_MATCHES = () => [
  HttpMatch.uriExact('/productpage'),
  HttpMatch.uriPrefix('/static'),
  HttpMatch.uriExact('/login'),
  HttpMatch.uriExact('/logout'),
  HttpMatch.uriPrefix('/api/v1/products'),
];

interface WorkloadSpec {
  readonly versions: string[];
  /** Requests and limits applied by `hardening`, sized for the runtime (the JVM of reviews needs most). */
  readonly resources: ResourceRequirements;
  /** Whether the upstream image runs as a non-root user (see tutorial/README.md, workload hardening), so `runAsNonRoot` cannot break it. */
  readonly nonRootImage: boolean;
  readonly env?: Container['env'];
  /** `volume:mountPath` pairs, in upstream's order of volumeMounts. */
  readonly mounts?: string[];
  /** emptyDir volumes, in upstream's order (which differs from the mounts' for reviews). */
  readonly volumes?: string[];
  readonly annotations?: Record<string, string>;
  /** One Deployment named after the service, without a version label or subsets, for a delivery controller to promote. */
  readonly oneWorkload?: boolean;
}

/**
 * Istio's Bookinfo sample application, faithful to `samples/bookinfo/platform/kube/bookinfo.yaml`.
 *
 * Defines the four Services, their ServiceAccounts and the six Deployments (productpage v1, details v1,
 * ratings v1, reviews v1/v2/v3), one DestinationRule per service with a subset per deployed version,
 * and the ingress of `networking/bookinfo-gateway.yaml`. Exposes a `MeshService` handle per service.
 *
 * @see https://istio.io/latest/docs/examples/bookinfo/
 */
export class BookinfoApp extends Construct {
  /** The productpage service (the UI, calls details and reviews). */
  public readonly productpage: MeshService;
  /** The details service. */
  public readonly details: MeshService;
  /** The reviews service (v1, v2, v3; v2 and v3 call ratings). */
  public readonly reviews: MeshService;
  /** The ratings service. */
  public readonly ratings: MeshService;

  /** Namespace of the app, if one is set. */
  public readonly namespace?: string;

  /** Service account name of each service (`bookinfo-reviews`). */
  public readonly serviceAccounts: Record<string, string> = {};

  /** The ingress, when enabled. */
  public readonly ingress?: IngressGateway;

  /** The waypoint, when one is deployed. */
  public readonly waypoint?: Waypoint;

  private readonly imageRegistry: string;
  private readonly imageTag: string;
  private readonly replicas: number;
  private readonly hardening: boolean;

  public constructor(scope: Construct, id: string, props: BookinfoAppProps = {}) {
    super(scope, id);
    SynthIndex.watch(this);
    this.namespace = props.namespace;
    this.imageRegistry = props.imageRegistry ?? 'registry.istio.io/release';
    this.imageTag = props.imageTag ?? '1.20.3';
    this.replicas = props.replicas ?? 1;
    this.hardening = props.hardening ?? false;
    assertIntegerInRange('replicas', this.replicas, 0, 1000);
    if (!/^[\w][\w.-]{0,127}$/.test(this.imageTag)) {
      throw new Error(`'imageTag' must be a Docker tag (letters, digits, '_', '.', '-'), got '${this.imageTag}'`);
    }
    const oneWorkload = (props.reviewsDeployment ?? ReviewsDeployment.PER_VERSION) === ReviewsDeployment.ONE_WORKLOAD;
    const reviewsVersions = props.reviewsVersions ?? (oneWorkload ? [ReviewsVersion.V1] : [ReviewsVersion.V1, ReviewsVersion.V2, ReviewsVersion.V3]);
    if (reviewsVersions.length === 0 || new Set(reviewsVersions).size !== reviewsVersions.length) {
      throw new Error(`'reviewsVersions' must list at least one version, each once, got [${reviewsVersions.join(', ')}]`);
    }
    if (oneWorkload && reviewsVersions.length !== 1) {
      throw new Error(`'reviewsVersions' must name one version with ReviewsDeployment.ONE_WORKLOAD (the image the one Deployment runs), got [${reviewsVersions.join(', ')}]`);
    }
    if (props.namespace !== undefined) {
      new MeshNamespace(this, 'Namespace', { name: props.namespace, dataplaneMode: props.dataplaneMode, waypoint: props.waypoint });
      if (props.waypoint) {
        this.waypoint = new Waypoint(this, 'Waypoint', { namespace: props.namespace, name: props.waypoint });
      }
    } else if (props.waypoint || props.dataplaneMode) {
      throw new Error(`'${props.waypoint ? 'waypoint' : 'dataplaneMode'}' needs 'namespace': the mode is a label of the namespace`);
    }
    if (props.ingressTls && props.ingress === false) {
      throw new Error(`'ingressTls' is set but 'ingress' is false`);
    }

    this.details = this.addService('details', { versions: ['v1'], resources: sized('50m', '64Mi', '128Mi'), nonRootImage: true });
    this.ratings = this.addService('ratings', { versions: ['v1'], resources: sized('50m', '64Mi', '128Mi'), nonRootImage: false });
    this.reviews = this.addService('reviews', {
      versions: reviewsVersions,
      resources: sized('100m', '256Mi', '1Gi'),
      nonRootImage: false,
      env: [{ name: 'LOG_DIR', value: '/tmp/logs' }],
      mounts: ['tmp:/tmp', 'wlp-output:/opt/ibm/wlp/output'],
      volumes: ['wlp-output', 'tmp'],
      oneWorkload,
    });
    this.productpage = this.addService('productpage', {
      versions: ['v1'],
      resources: sized('50m', '64Mi', '256Mi'),
      nonRootImage: false,
      mounts: ['tmp:/tmp'],
      volumes: ['tmp'],
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': `${PORT}`, 'prometheus.io/path': '/metrics' },
    }, props.productpageNodePort ? 'NodePort' : undefined);

    if (props.ingress ?? true) {
      this.ingress = new IngressGateway(this, 'Ingress', {
        name: 'bookinfo-gateway',
        namespace: props.namespace,
        service: this.productpage,
        matches: INGRESS_MATCHES(),
        routeName: 'bookinfo',
        tls: props.ingressTls,
      });
    }
  }

  /**
   * Who calls whom in Bookinfo: the ingress gateway calls productpage, productpage calls details and
   * reviews, reviews calls ratings. `ZeroTrust` turns this graph into least-privilege policies.
   *
   * @param ingress identity of the ingress gateway
   */
  public callGraph(ingress: WorkloadIdentity = WorkloadIdentity.ingressGateway()): CallEdge[] {
    return [
      { caller: ingress, to: this.productpage },
      { caller: this.productpage, to: this.details },
      { caller: this.productpage, to: this.reviews },
      { caller: this.reviews, to: this.ratings },
    ];
  }

  private addService(name: string, spec: WorkloadSpec, serviceType?: string): MeshService {
    const labels = { app: name };
    const account = `bookinfo-${name}`;
    this.serviceAccounts[name] = account;
    kubeService(this, `${name}-service`, this.metadata(name, { app: name, service: name }),
      { type: serviceType, ports: [{ port: PORT, name: 'http' }], selector: labels });
    // the sidecar authenticates with its own projected token; the app never calls the API server
    kubeServiceAccount(this, `${name}-account`, this.metadata(account, { account: name }), this.hardening ? false : undefined);
    for (const version of spec.versions) {
      this.addDeployment(name, version, account, spec);
    }
    const service = new MeshService({ host: name, namespace: this.namespace, port: PORT, selector: labels, serviceAccount: account });
    if (!spec.oneWorkload) {
      new ServiceSubsets(this, `${name}-subsets`, { service, subsets: spec.versions });
    }
    return service;
  }

  private addDeployment(name: string, version: string, account: string, spec: WorkloadSpec): void {
    // one workload's pods carry no version: the controller changes its image from release to release
    const labels: Record<string, string> = spec.oneWorkload ? { app: name } : { app: name, version };
    const workload = spec.oneWorkload ? name : `${name}-${version}`;
    const mounts = (spec.mounts ?? []).map(m => m.split(':'));
    const volumes = spec.volumes ?? [];
    kubeDeployment(this, workload, this.metadata(workload, labels), {
        replicas: this.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: spec.annotations },
          spec: {
            serviceAccountName: account,
            containers: [{
              name,
              image: `${this.imageRegistry}/examples-bookinfo-${name}-${version}:${this.imageTag}`,
              imagePullPolicy: 'IfNotPresent',
              env: spec.env,
              ports: [{ containerPort: PORT }],
              volumeMounts: mounts.length > 0 ? mounts.map(([volume, path]) => ({ name: volume, mountPath: path })) : undefined,
              resources: this.hardening ? spec.resources : undefined,
              securityContext: this.hardening && spec.nonRootImage ? RESTRICTED : undefined,
            }],
            volumes: volumes.length > 0 ? volumes.map(volume => ({ name: volume, emptyDir: {} })) : undefined,
          },
        },
    });
  }

  private metadata(name: string, labels: Record<string, string>): ObjectMeta {
    assertDnsLabel('name', name);
    return { name, namespace: this.namespace, labels };
  }
}
