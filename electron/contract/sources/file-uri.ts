import { boolParam, checkKnownParams, splitQuery, SourceUriError } from './uri-util';

/** file:PATH[?loop=1] — any audio file ffmpeg reads, played in real time. */
export interface FileSpec {
  kind: 'file';
  path: string;
  loop: boolean;
}

export function parseFileUri(rest: string): FileSpec {
  const { body, query } = splitQuery(rest);
  checkKnownParams(query, ['loop']);
  let path = body.startsWith('//') ? body.slice(2) : body;
  try {
    path = decodeURIComponent(path);
  } catch {
    throw new SourceUriError('path', `file path "${path}" is not valid percent-encoding`);
  }
  if (!path) throw new SourceUriError('path', 'file: needs a path, e.g. file:/srv/audio/test.wav');
  return { kind: 'file', path, loop: boolParam(query.get('loop'), 'loop', false) };
}
