import { z } from 'zod';

/** Largest keystroke/paste chunk per 'terminal.input' call; the renderer splits bigger pastes. */
export const TERMINAL_MAX_INPUT = 64 * 1024;

const TerminalId = z.string().min(1).max(64);
const Cols = z.number().int().min(10).max(500);
const Rows = z.number().int().min(5).max(300);

/**
 * The Diagnostics terminal: a shell on the engine's machine. The engine refuses 'terminal.open'
 * with 'unavailable' unless it runs in Electron or in `serve --terminal` on a loopback address.
 */
export const terminalCommands = {
  'terminal.open': { args: z.object({ cols: Cols, rows: Rows }).strict(), result: z.object({ id: TerminalId }) },
  'terminal.input': {
    args: z.object({ id: TerminalId, data: z.string().min(1).max(TERMINAL_MAX_INPUT) }).strict(),
    result: z.object({}),
  },
  'terminal.resize': { args: z.object({ id: TerminalId, cols: Cols, rows: Rows }).strict(), result: z.object({}) },
  'terminal.close': { args: z.object({ id: TerminalId }).strict(), result: z.object({}) },
} as const;

export const terminalEvents = {
  /** Shell output, batched (~16 ms) per terminal. */
  'terminal.output': z.object({ id: TerminalId, data: z.string() }),
  /** The shell ended (exit status; 128 + signal when killed). */
  'terminal.exit': z.object({ id: TerminalId, code: z.number().int() }),
} as const;
