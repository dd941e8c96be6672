import { commands, isCommandName, type CommandName, type ValidArgs } from './commands';
import { ContractError, fromZodError } from './errors';

/** Validates one incoming call; throws ContractError (never anything else) when it is bad. */
export function validateCall(cmd: unknown, args: unknown): { cmd: CommandName; args: ValidArgs<CommandName> } {
  if (!isCommandName(cmd)) {
    throw new ContractError('unknown_command', `unknown command ${JSON.stringify(String(cmd)).slice(0, 80)}`);
  }
  const parsed = commands[cmd].args.safeParse(args ?? {});
  if (!parsed.success) throw fromZodError(parsed.error, 'invalid_payload');
  return { cmd, args: parsed.data };
}
