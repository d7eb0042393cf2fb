// The analyzer as a library (`cdk8s-istio/analyze`): the cdk8s validation plugin is `cdk8s-istio/plugin`.
export { Analyzer, AnalyzerOptions, formatFindings, hasErrors, sortFindings } from './analyzer';
export { LoadResult, loadFiles } from './read/files';
export { main } from './cli';
export { CHECKS } from './catalogue';
export { Check, Finding, Severity } from './finding';
export { Manifest, parseManifests } from './read/manifest';
export { SUPPRESS_ANNOTATION, Suppressions } from './suppress';
