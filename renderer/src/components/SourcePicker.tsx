import { useEffect, useState } from 'react';
import { NOAA_WEATHER_CHANNELS, type AlsaDeviceInfo } from '@contract';
import { toContractError } from '../lib/contract-error';
import { alsaDevices } from '../store/actions';

/**
 * Fills a source URI from what the machine has: its ALSA capture devices (from the engine)
 * and the seven NOAA Weather Radio channels on a local RTL-SDR. The URI stays editable.
 */
export function SourcePicker({ onPick }: { onPick: (uri: string) => void }) {
  const [devices, setDevices] = useState<AlsaDeviceInfo[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    alsaDevices().then(
      (d) => live && setDevices(d),
      (err: unknown) => live && setProblem(toContractError(err).message),
    );
    return () => {
      live = false;
    };
  }, []);

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
