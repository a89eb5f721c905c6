export { DomainError, ErrorCode, isDomainError } from './errors/domain-error';
export type { DomainErrorOptions } from './errors/domain-error';
export type { ReadinessProbe } from './health/readiness-probe';
