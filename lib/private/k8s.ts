import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * The few Kubernetes core objects the library writes (Bookinfo's workloads, mesh namespaces), typed by
 * the fields it sets. Written in the API's own spelling, so no generated class stands between the
 * props and the YAML; see docs/own-services.md, "Why the library does not depend on cdk8s-plus".
 *
 * @internal
 */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** @internal */
export interface ResourceRequirements {
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/** @internal */
export interface SecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly capabilities?: { readonly drop?: string[] };
}

/** @internal */
export interface Container {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy?: string;
  readonly env?: Array<{ readonly name: string; readonly value: string }>;
  readonly ports?: Array<{ readonly containerPort: number }>;
  readonly volumeMounts?: Array<{ readonly name: string; readonly mountPath: string }>;
  readonly resources?: ResourceRequirements;
  readonly securityContext?: SecurityContext;
}

/** @internal */
export interface DeploymentSpec {
  readonly replicas?: number;
  readonly selector: { readonly matchLabels: Record<string, string> };
  readonly template: {
    readonly metadata: { readonly labels: Record<string, string>; readonly annotations?: Record<string, string> };
    readonly spec: {
      readonly serviceAccountName?: string;
      readonly containers: Container[];
      readonly volumes?: Array<{ readonly name: string; readonly emptyDir: Record<string, never> }>;
    };
  };
}

/** @internal */
export interface ServiceSpec {
  readonly type?: string;
  readonly ports: Array<{ readonly port: number; readonly name?: string; readonly targetPort?: number }>;
  readonly selector: Record<string, string>;
}

/** @internal */
export function kubeNamespace(scope: Construct, id: string, metadata: ObjectMeta): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'Namespace', metadata });
}

/** @internal */
export function kubeService(scope: Construct, id: string, metadata: ObjectMeta, spec: ServiceSpec): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'Service', metadata, spec } as any);
}

/** @internal */
export function kubeServiceAccount(scope: Construct, id: string, metadata: ObjectMeta, automountServiceAccountToken?: boolean): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken } as any);
}

/** @internal */
export function kubeDeployment(scope: Construct, id: string, metadata: ObjectMeta, spec: DeploymentSpec): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec } as any);
}
