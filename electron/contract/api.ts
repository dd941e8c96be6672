import type { CommandArgs, CommandName, CommandResult } from './commands';
import type { EventName, EventPayload } from './events';

/**
 * The one interface the renderer talks to. window.eas (Electron preload) and the serve-mode
 * WebSocket client both implement it; the renderer cannot tell which it has.
 * `call` rejects with a ContractError.
 */
export interface ConsoleApi {
  call<C extends CommandName>(cmd: C, args: CommandArgs<C>): Promise<CommandResult<C>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
}
