import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * An API object of the tree together with its rendered manifest.
 *
 * @internal
 */
export interface RenderedObject {
  readonly object: ApiObject;
  readonly manifest: any;
  readonly chart: Chart;
}

const INDEXES = new WeakMap<IConstruct, SynthIndex>();
const CHECKS = new WeakMap<IConstruct, Array<() => string[]>>();

/**
 * What synth-time checks look up about the whole app, computed once per validation pass.
 *
 * cdk8s validates the whole app once in `app.synth()` and again for every `chart.toJson()`. A check that
 * scanned the tree itself would cost O(N) per construct, O(N²) per pass; here the tree is walked and each
 * object rendered at most once per pass, and checks share derived tables through `memo`. A validation on
 * the app root, which cdk8s runs first in every pass, drops the tables, so a pass never sees stale ones.
 *
 * Repeated passes: `app.synth()` (and `synthYaml()`) validates the app, then calls `chart.toJson()` for
 * each chart, which validates the whole app again, with nothing able to change the tree in between: the
 * first pass threw if any check failed. In those repeated passes the checks added with `addCheck`
 * return the first pass's verdict (none) without reading the tables, so an app of many charts is checked
 * once per synth, not once per chart. Repeated passes are recognized by the call stack; if cdk8s's
 * internals are ever named otherwise, every pass checks afresh, which is slower and as correct.
 *
 * @internal
 */
export class SynthIndex {
  /** The index of the app that `scope` belongs to. */
  public static of(scope: IConstruct): SynthIndex {
    const root = scope.node.root;
    let index = INDEXES.get(root);
    if (!index) {
      const created = new SynthIndex(root);
      root.node.addValidation({ validate: () => created.startPass() });
      INDEXES.set(root, created);
      index = created;
    }
    const chart = chartOf(scope);
    if (chart && !index.charts.has(chart)) {
      index.charts.add(chart);
      SynthIndex.addCheck(chart, () => index.duplicateIdentities(chart));
    }
    return index;
  }

  /**
   * Has the chart of `scope` checked at synth for objects of one identity; every construct of the library
   * that writes objects calls it (the blocks of the host model through `addCheck`).
   */
  public static watch(scope: IConstruct): void {
    SynthIndex.of(scope);
  }

  /**
   * Adds a synth-time check to `scope`. Every check of the library that reads other constructs goes
   * through here, so cdk8s's repeated passes within one synth cost nothing.
   */
  public static addCheck(scope: IConstruct, check: () => string[]): void {
    const index = SynthIndex.of(scope);
    let checks = CHECKS.get(scope);
    if (!checks) {
      const list: Array<() => string[]> = [];
      checks = list;
      CHECKS.set(scope, list);
      // one validation per construct: a problem that several of its contributions reach is reported once
      scope.node.addValidation({ validate: () => (index.repeated ? [] : [...new Set(list.flatMap(c => c()))]) });
    }
    checks.push(check);
  }

  private tables = new Map<string, unknown>();
  private readonly charts = new Set<Chart>();

  /** This pass repeats, within one `app.synth()`, a pass that found nothing wrong. */
  private repeated = false;

  private constructor(private readonly root: IConstruct) {}

  /**
   * Every API object of `kind` in the app, rendered one at a time, in tree order.
   *
   * Nothing is kept: call it inside `memo` and keep only what the check needs. Rendering one object at a
   * time leaves each manifest garbage at once, instead of an app's worth of them surviving into the
   * old generation of the heap while cdk8s writes the YAML.
   */
  public *objectsOf(kind: string): Generator<RenderedObject> {
    for (const object of this.apiObjectsOf(kind)) {
      yield { object, manifest: object.toJson(), chart: Chart.of(object) };
    }
  }

  /** Every API object of `kind` in the app, in tree order, not rendered. */
  public apiObjectsOf(kind: string): ApiObject[] {
    return this.apiObjects().get(kind) ?? [];
  }

  /** Computes `build()` once per validation pass under `key`. */
  public memo<T>(key: string, build: () => T): T {
    if (!this.tables.has(key)) {
      this.tables.set(key, build());
    }
    return this.tables.get(key) as T;
  }

  private apiObjects(): Map<string, ApiObject[]> {
    return this.memo('objects', () => {
      const byKind = new Map<string, ApiObject[]>();
      for (const c of this.root.node.findAll()) {
        if (c instanceof ApiObject) {
          const list = byKind.get(c.kind) ?? [];
          list.push(c);
          byKind.set(c.kind, list);
        }
      }
      return byKind;
    });
  }

  // Two objects of one identity in a chart land in one file, where `kubectl apply` keeps the last: two
  // MtlsPolicy for a namespace would leave one PeerAuthentication, silently.
  private duplicateIdentities(chart: Chart): string[] {
    const byIdentity = this.memo('objects-by-identity', () => {
      const map = new Map<string, ApiObject[]>();
      for (const objects of this.apiObjects().values()) {
        for (const o of objects) {
          const key = [Chart.of(o).node.path, o.apiGroup, o.kind, o.metadata.namespace ?? '', o.name].join('|');
          map.set(key, [...(map.get(key) ?? []), o]);
        }
      }
      return map;
    });
    return [...byIdentity.values()]
      .filter(objects => objects.length > 1 && Chart.of(objects[0]) === chart)
      .map(objects => `${objects[0].kind} ${objects[0].metadata.namespace ? `${objects[0].metadata.namespace}/` : ''}${objects[0].name} is defined ${objects.length} times in chart `
        + `'${chart.node.id}' (${objects.map(o => o.node.path).join(', ')}): kubectl apply keeps the last, ${objects[objects.length - 1].node.path}; give each its own name or keep one`);
  }

  private startPass(): string[] {
    this.repeated = isRepeatedPassOfAppSynth();
    this.tables = new Map();
    return [];
  }
}

/** A `chart.toJson()` that `app.synth()` or `app.synthYaml()` calls after validating the app itself (cdk8s 2.x: lib/app.js, lib/chart.js). */
function isRepeatedPassOfAppSynth(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  // source maps (ts-node, jest) name cdk8s's sources src/*.ts instead of lib/*.js
  return /\.toJson \(.*[\\/]cdk8s[\\/](?:lib|src)[\\/]chart\.[jt]s:/.test(stack)
    && /\.synth(?:Yaml)? \(.*[\\/]cdk8s[\\/](?:lib|src)[\\/]app\.[jt]s:/.test(stack);
}

/** The chart `scope` is in, if any (constructs of an App outside every chart belong to none). */
function chartOf(scope: IConstruct): Chart | undefined {
  return scope.node.scopes.reverse().find((c): c is Chart => Chart.isChart(c));
}

/**
 * Why a sidecar-only resource in `namespace` would apply to nothing: the app enrolls the namespace in
 * ambient mode (label `istio.io/dataplane-mode=ambient`), whose pods have no sidecar; else none.
 *
 * @internal
 */
export function ambientNamespace(scope: IConstruct, namespace: string | undefined): string | undefined {
  const index = SynthIndex.of(scope);
  const ambient = index.memo('ambient-namespaces', () => new Set([...index.objectsOf('Namespace')]
    .filter(n => n.manifest.metadata?.labels?.['istio.io/dataplane-mode'] === 'ambient').map(n => n.manifest.metadata?.name as string)));
  return namespace !== undefined && ambient.has(namespace) ? `namespace '${namespace}' is in ambient mode (its Namespace is labelled istio.io/dataplane-mode=ambient), where pods have no sidecar` : undefined;
}
