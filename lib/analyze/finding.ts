/** How serious a finding is; only errors make the analysis fail. */
export enum Severity {
  /** The API server or Istio rejects the object, or traffic breaks. */
  ERROR = 'error',
  /** Probably a mistake; Istio accepts it. */
  WARNING = 'warning',
  /** Worth knowing; no action needed. */
  INFO = 'info',
}

/**
 * One check of the analyzer: its stable code, severity, and the istioctl/Kiali codes it mirrors.
 */
export interface Check {
  readonly code: string;
  readonly severity: Severity;
  readonly title: string;
  /** istioctl analyze / Kiali codes with the same meaning, or `-` when it comes from the CRD itself. */
  readonly mirrors: string;
  /** What it catches, in full: the checks page (docs/checks.md) is generated from these. */
  readonly details?: string;
}

/** Declares a check: each module declares the checks it implements beside them. */
export function check(code: string, severity: Severity, mirrors: string, title: string, details?: string): Check {
  return { code, severity, mirrors, title, details };
}


/**
 * A problem found in the input.
 */
export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  /** File the object came from. */
  readonly file: string;
  /** 1-based line of the offending field, or of the object. */
  readonly line: number;
  /** `kind/namespace/name` of the object, or `-` when the problem is the file itself. */
  readonly object: string;
  readonly message: string;
  /** Construct path of the object, when it was synthesized by cdk8s. */
  readonly constructPath?: string;
}
