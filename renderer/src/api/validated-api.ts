import {
  commands,
  events,
  fromZodError,
  type CommandArgs,
  type CommandName,
  type CommandResult,
  type ConsoleApi,
  type EventName,
  type EventPayload,
} from '@contract';
import { toContractError } from '../lib/contract-error';

/**
 * Checks everything that enters the renderer against the contract, whichever transport
 * carried it: a result of the wrong shape rejects the call, an event of the wrong shape is
 * dropped and reported. This is where an engine/renderer version mismatch becomes visible
 * instead of a blank card.
 */
export function withValidation(api: ConsoleApi, onProblem: (message: string) => void): ConsoleApi {
  return {
    async call<C extends CommandName>(cmd: C, args: CommandArgs<C>): Promise<CommandResult<C>> {
      let value: unknown;
      try {
        value = await api.call(cmd, args);
      } catch (err) {
        throw toContractError(err);
      }
      const parsed = commands[cmd].result.safeParse(value);
      if (!parsed.success) {
        const err = fromZodError(parsed.error, 'internal', cmd);
        onProblem(`engine answered ${cmd} with data this console does not understand (${err.message}); are the engine and console the same version?`);
        throw err;
      }
      return parsed.data as CommandResult<C>;
    },
    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
      const schema = events[name];
      let reported = false;
      return api.on(name, (payload: unknown) => {
        const parsed = schema.safeParse(payload);
        if (parsed.success) {
          listener(parsed.data as EventPayload<E>);
        } else if (!reported) {
          // Once per subscription: a bad 30/s stream must not flood the log.
          reported = true;
          onProblem(`dropped a "${name}" event this console does not understand: ${fromZodError(parsed.error).message}`);
        }
      });
    },
    alertAudioUrl: (alertId: string) => api.alertAudioUrl(alertId),
  };
}
