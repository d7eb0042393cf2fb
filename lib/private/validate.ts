import { Duration } from 'cdk8s';

/**
 * Throws unless `value` is an integer in `[min, max]`.
 *
 * @internal
 */
export function assertIntegerInRange(prop: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`'${prop}' must be an integer between ${min} and ${max}, got ${value}`);
  }
}

/**
 * Throws unless `value` is a percentage in `[0, 100]` (Istio's `Percent` allows fractions).
 *
 * @internal
 */
export function assertPercentage(prop: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw new Error(`'${prop}' must be a percentage between 0 and 100, got ${value}`);
  }
}

/**
 * Renders a cdk8s `Duration` in the protobuf JSON duration format Istio documents (`2s`, `0.5s`).
 *
 * Istio's CRDs reject durations under 1ms, and a timeout of zero means "no timeout" rather than
 * "fail at once", so both are errors here instead of surprises at apply time.
 *
 * @internal
 */
export function istioDuration(prop: string, duration: Duration): string {
  return istioDurationOf(validDuration(prop, duration));
}

/**
 * A valid duration (`validDuration`) in the protobuf JSON form Istio documents.
 *
 * @internal
 */
export function istioDurationOf(duration: Duration): string {
  return `${duration.toMilliseconds({ integral: false }) / 1000}s`;
}

/**
 * Throws unless `duration` is a whole number of milliseconds, at least 1 (see `istioDuration`).
 *
 * @internal
 */
export function validDuration(prop: string, duration: Duration): Duration {
  const millis = duration.toMilliseconds({ integral: false });
  if (!(millis >= 1) || !Number.isInteger(millis)) {
    throw new Error(`'${prop}' must be a positive whole number of milliseconds (at least 1ms), got ${duration.toHumanString()}`);
  }
  return duration;
}

/**
 * A fully qualified DNS name in lowercase (`api.example.com`), as Istio takes an external host.
 *
 * @internal
 */
export const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

/**
 * An HTTP header name: RFC 7230 token characters, the Gateway API's HTTPHeaderName pattern, which
 * Istio's header names satisfy too.
 *
 * @internal
 */
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

/**
 * Throws unless `name` is a valid RFC 1123 DNS label, the rule for Kubernetes object names.
 *
 * @internal
 */
export function assertDnsLabel(prop: string, name: string): void {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
    throw new Error(`'${prop}' must be a DNS label (lowercase letters, digits and '-', at most 63 characters), got '${name}'`);
  }
}
