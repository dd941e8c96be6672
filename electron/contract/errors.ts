import { z } from 'zod';

/** Every failure that crosses the contract has one of these codes, so UIs can react by kind. */
export const ErrorCode = z.enum([
  'invalid_payload',
  'unknown_command',
  'not_found',
  'invalid_settings',
  'unavailable',
  'unauthorized',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ContractErrorSchema = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Dotted path of the offending field, when one field is to blame (e.g. "sources.0.uri"). */
  field: z.string().optional(),
});
export type ContractErrorData = z.infer<typeof ContractErrorSchema>;

export class ContractError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'ContractError';
    this.code = code;
    this.field = field;
  }
  toJSON(): ContractErrorData {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
  static from(data: ContractErrorData): ContractError {
    return new ContractError(data.code, data.message, data.field);
  }
}

/** Turns a zod failure into a ContractError naming the first offending field. */
export function fromZodError(err: z.ZodError, code: ErrorCode = 'invalid_payload', prefix = ''): ContractError {
  const issue = err.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  const field = [prefix, path].filter(Boolean).join('.');
  const message = issue ? `${field || 'payload'}: ${issue.message}` : 'invalid payload';
  return new ContractError(code, message, field || undefined);
}
