import { NOAA_WEATHER_CHANNELS } from '../../contract/sources/rtl-uri';

/** NOAA Weather Radio channels (WX1..WX7, 162.400-162.550 MHz), all NFM ±5 kHz. */
export { NOAA_WEATHER_CHANNELS };
export type NoaaChannel = (typeof NOAA_WEATHER_CHANNELS)[number];

/** The channel at `freqHz`, if it is one of the seven. */
export function noaaChannelAt(freqHz: number): NoaaChannel | undefined {
  return NOAA_WEATHER_CHANNELS.find((c) => c.freqHz === freqHz);
}
