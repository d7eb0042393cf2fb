import { ApiObject, JsonPatch } from 'cdk8s';

type ApiObjectClass = new (...args: any[]) => ApiObject;

/**
 * A generated class whose JSON patches apply to the manifest as written, in Istio's spelling.
 *
 * The generated classes apply `addJsonPatch` operations before their own key mapping, which drops every
 * key it spells differently (`consecutive5xxErrors` becomes `consecutive5XxErrors`) or does not know,
 * so a patch in Istio's spelling vanished without a word. Here patches apply to the final manifest.
 *
 * @internal
 */
export function withManifestPatches<T extends ApiObjectClass>(Base: T) {
  return class extends Base {
    public readonly _manifestPatches: JsonPatch[] = [];

    public override addJsonPatch(...ops: JsonPatch[]): void {
      this._manifestPatches.push(...ops);
    }

    public override toJson(): any {
      const manifest = super.toJson();
      // JsonPatch.apply copies the whole manifest; most objects have no patch
      return this._manifestPatches.length > 0 ? JsonPatch.apply(manifest, ...this._manifestPatches) : manifest;
    }
  };
}
