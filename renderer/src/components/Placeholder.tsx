import type { ReactNode } from 'react';

export function Placeholder({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="panel placeholder">
      <h3>{title}</h3>
      <div className="empty small">{children}</div>
    </section>
  );
}
