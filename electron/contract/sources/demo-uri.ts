import { checkKnownParams, numberParam, splitQuery } from './uri-util';

/** demo:[?first=S&every=S] — built-in station audio with a Required Weekly Test. */
export interface DemoSpec {
  kind: 'demo';
  /** Seconds after start of the first RWT (0 = never). */
  firstAlertS: number;
  /** Seconds between RWTs after the first (0 = only once). */
  alertIntervalS: number;
}

export function parseDemoUri(rest: string): DemoSpec {
  const { query } = splitQuery(rest);
  checkKnownParams(query, ['first', 'every']);
  return {
    kind: 'demo',
    firstAlertS: numberParam(query.get('first'), 'first', 20, 0, 86400),
    alertIntervalS: numberParam(query.get('every'), 'every', 600, 0, 86400),
  };
}
