import { afterEach } from 'vitest';
import type { StreamConfig } from '../../../electron/contract/dto';
import { MemorySecretStore, streamPasswordKey } from '../../../electron/engine/secrets';
import { StreamManager } from '../../../electron/engine/streams/stream-manager';

/** A stream on a server no test reaches: these tests look at the manager's books, not at Icecast. */
export const cfg = (id: string, extra: Partial<StreamConfig> = {}): StreamConfig => ({
  id, sourceId: 'src', enabled: true, format: 'mp3', bitrateKbps: 64, host: 'ice.example', port: 8000, mount: `/${id}.mp3`, ...extra,
}) as StreamConfig;

const managers: StreamManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

/** A manager with these streams and stored passwords, closed after the test. */
export function manager(streams: StreamConfig[], passwords: Record<string, string>): StreamManager {
  const secrets = new MemorySecretStore();
  for (const [id, pw] of Object.entries(passwords)) secrets.set(streamPasswordKey(id), pw);
  const m = new StreamManager({ secrets });
  managers.push(m);
  m.configure(streams);
  return m;
}
