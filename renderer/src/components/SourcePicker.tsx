import { useEffect, useState } from 'react';
import { NOAA_WEATHER_CHANNELS, type AlsaDeviceInfo, type ConsoleApi } from '@contract';
import { useApi } from '../api/context';
import { toContractError } from '../api/validated-api';

// One device scan (arecord -L on the engine) serves every row of the source table.
let scan: { api: ConsoleApi; at: number; result: Promise<AlsaDeviceInfo[]> } | null = null;
function alsaDevices(api: ConsoleApi): Promise<AlsaDeviceInfo[]> {
  if (!scan || scan.api !== api || Date.now() - scan.at > 30_000) {
    scan = { api, at: Date.now(), result: api.call('devices.alsa', {}) };
  }
  return scan.result;
}

/**
 * Fills a source URI from what the machine has: its ALSA capture devices (from the engine)
 * and the seven NOAA Weather Radio channels on a local RTL-SDR. The URI stays editable.
 */
export function SourcePicker({ onPick }: { onPick: (uri: string) => void }) {
  const api = useApi();
  const [devices, setDevices] = useState<AlsaDeviceInfo[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    alsaDevices(api).then(
      (d) => live && setDevices(d),
      (err: unknown) => live && setProblem(toContractError(err).message),
    );
    return () => {
      live = false;
    };
  }, [api]);

  return (
    <select
      className="source-picker"
      value=""
      aria-label="pick a device or channel"
      title={problem ?? undefined}
      onChange={(e) => {
        if (e.target.value) onPick(e.target.value);
      }}
    >
      <option value="">Pick…</option>
      <optgroup label={devices === null ? 'Sound cards (loading…)' : devices.length === 0 ? 'Sound cards (none found)' : 'Sound cards (ALSA)'}>
        {(devices ?? []).map((d) => (
          <option key={d.uri} value={d.uri}>
            {d.description ? `${d.description} — ${d.name}` : d.name}
          </option>
        ))}
      </optgroup>
      <optgroup label="NOAA Weather Radio on a local RTL-SDR">
        {NOAA_WEATHER_CHANNELS.map((c) => (
          <option key={c.id} value={`rtlsdr:?freq=${c.freqHz}&rate=1024000&gain=auto&mode=nfm`}>
            {c.id} {(c.freqHz / 1e6).toFixed(3)} MHz
          </option>
        ))}
      </optgroup>
      <optgroup label="Other">
        <option value="demo:">Built-in demo station</option>
      </optgroup>
    </select>
  );
}
