import * as path from 'path';

/** The repository's root. */
export const ROOT = path.join(__dirname, '..');

/** The committed dist/, as `cdk8s synth` writes it. */
export const DIST = path.join(ROOT, 'dist');

/** The reference data beside the repository (read, never copied into it). */
export const SHARED = path.join(ROOT, '..', 'shared');

/** Istio's Bookinfo samples of the pinned release (1.30.3). */
export const BOOKINFO_SAMPLES = path.join(SHARED, 'istio-1.30.3', 'samples', 'bookinfo');
