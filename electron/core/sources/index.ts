export { FailoverPolicy, type FailoverDecision, type FailoverOptions, type HealthInput, type ProgramTransition } from './failover';
export { classifyHealth, DEFAULT_FAILOVER_SETTINGS, HealthTracker, type HealthObservation, type HealthVerdict, type SourceHealthState } from './health';
export { ProgramSelection, type SelectionUpdate } from './selection';
