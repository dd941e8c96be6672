import { ContractError, ContractErrorSchema } from '@contract';

/**
 * Any rejection as a ContractError, so a component can show its message and field. window.eas
 * rejects with plain {code,message,field} objects (structured clone drops classes).
 */
export function toContractError(err: unknown): ContractError {
  if (err instanceof ContractError) return err;
  const parsed = ContractErrorSchema.safeParse(err);
  if (parsed.success) return ContractError.from(parsed.data);
  const message = err instanceof Error ? err.message : String(err);
  return new ContractError('internal', message);
}
