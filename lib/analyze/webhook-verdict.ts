import { CHECKS, Finding } from './finding';
import { Manifest } from './manifest';
import { jsonPath } from './schema';

export type Path = ReadonlyArray<string | number>;

/** Collects the webhook's errors and warnings for one object, each at a path into it. */
export class Verdict {
  public readonly findings: Finding[] = [];
  public constructor(private readonly manifest: Manifest) {}

  public error(path: Path, message: string): void {
    this.findings.push(this.manifest.finding(CHECKS.webhookRejects, `${jsonPath(path)}: ${message}`, path));
  }

  public warning(path: Path, message: string): void {
    this.findings.push(this.manifest.finding(CHECKS.webhookWarns, `${jsonPath(path)}: ${message}`, path));
  }
}

export const isSet = (value: unknown) => value !== undefined && value !== null;
export const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);

export function port(v: Verdict, path: Path, number: unknown): void {
  if (typeof number === 'number' && (number < 1 || number > 65535)) {
    v.error(path, `port number ${number} must be in the range 1..65535`);
  }
}

/** A protobuf duration (`1.5s`): at least 1ms, to millisecond precision. */
export function duration(v: Verdict, path: Path, value: unknown): void {
  const match = typeof value === 'string' ? /^(-?\d+)(?:\.(\d{1,9}))?s$/.exec(value) : null;
  if (!match) return;
  const nanos = Number(match[1]) * 1e9 + Number((match[2] ?? '').padEnd(9, '0'));
  if (nanos < 1e6) {
    v.error(path, `duration must be greater than 1ms (got ${value})`);
  } else if (nanos % 1e6 !== 0) {
    v.error(path, `only durations to ms precision are supported (got ${value})`);
  }
}

