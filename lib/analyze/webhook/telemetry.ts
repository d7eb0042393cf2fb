import { Manifest } from '../read/manifest';
import { attachment } from './values';
import { list, Verdict } from './verdict';

// ---- Telemetry ----------------------------------------------------------------------------------

/** The CRD's schema and CEL rules check tag values, overrides and provider names; the webhook adds the names and two warnings. */
export function telemetry(v: Verdict, m: Manifest): void {
  attachment(v, m.object.spec ?? {});
  const tracing = list(m.object.spec?.tracing);
  if (tracing.length > 1) v.warning(['spec', 'tracing'], 'multiple tracing is not currently supported');
  tracing.forEach((t, i) => {
    if (list(t.providers).length > 1) v.warning(['spec', 'tracing', i, 'providers'], 'multiple providers is not currently supported');
    if (t?.customTags && typeof t.customTags === 'object' && '' in t.customTags) v.error(['spec', 'tracing', i, 'customTags'], 'tag name may not be empty');
  });
  list(m.object.spec?.metrics).forEach((metrics, i) => list(metrics?.overrides).forEach((o, j) => {
    if (o?.tagOverrides && typeof o.tagOverrides === 'object' && '' in o.tagOverrides) {
      v.warning(['spec', 'metrics', i, 'overrides', j, 'tagOverrides'], 'tagOverrides.name may not be empty');
    }
  }));
}
