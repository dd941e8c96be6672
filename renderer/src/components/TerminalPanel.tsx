import { useEffect, useRef, useState } from 'react';
// Types only: xterm.js (~300 kB) loads when a terminal is first opened, not with the console.
import type { SessionState, TerminalSession } from '../lib/terminal-session';
import { terminalChannel } from '../store/actions';

// Module-level so the shell survives switching tabs (the component unmounts, the session does not).
let session: TerminalSession | null = null;

function endSession(): void {
  void session?.close();
  session = null;
}

// Leaving the page ends the shell rather than leaving it running on the engine with no one attached.
window.addEventListener('pagehide', endSession);

/** A shell on the engine's machine (arecord -l, rtl_test, logs), when the engine offers one. */
export function TerminalPanel() {
  const hostRef = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<SessionState | null>(session?.current ?? null);

  useEffect(() => {
    const host = hostRef.current;
    if (!host || !session) return;
    session.attach(host);
    return session.onState(setState);
  }, []);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => session?.refit());
    });
    observer.observe(host);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, []);

  const open = async (): Promise<void> => {
    const host = hostRef.current;
    if (!host) return;
    endSession();
    setState({ kind: 'opening' });
    let Session: typeof TerminalSession;
    try {
      ({ TerminalSession: Session } = await import('../lib/terminal-session'));
    } catch (err) {
      setState({ kind: 'failed', code: 'internal', message: `cannot load the terminal: ${(err as Error).message}; reload the page` });
      return;
    }
    const s = new Session(terminalChannel(), host);
    session = s;
    s.onState((st) => {
      setState(st);
      if (st.kind === 'failed' && session === s) session = null;
    });
    void s.start();
  };

  const close = (): void => {
    endSession();
    setState(null);
  };

  const running = state?.kind === 'open' || state?.kind === 'opening';
  return (
    <section className="panel terminal-panel" data-testid="terminal-panel">
      <div className="panel-head">
        <h3>Terminal</h3>
        <div className="actions">
          {state?.kind === 'exited' && <span className="muted">shell exited ({state.code})</span>}
          <button type="button" className="primary" onClick={() => void open()} disabled={running} data-testid="terminal-open">
            {state?.kind === 'exited' ? 'New terminal' : 'Open terminal'}
          </button>
          <button type="button" onClick={close} disabled={!state || state.kind === 'failed'} data-testid="terminal-close">
            Close
          </button>
        </div>
      </div>
      {state?.kind === 'failed' && (
        <p className="error-box" role="alert" data-testid={state.code === 'unavailable' ? 'terminal-unavailable' : 'terminal-error'}>
          {state.message}
        </p>
      )}
      {!state && <p className="muted">A shell on the station machine, for arecord -l, rtl_test, logs and the like.</p>}
      <div ref={hostRef} className={`terminal-host${state && state.kind !== 'failed' ? '' : ' empty'}`} data-testid="terminal" />
    </section>
  );
}
