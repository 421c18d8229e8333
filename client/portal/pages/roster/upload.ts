/**
 * Sends a roster file to POST /api/roster/upload with XMLHttpRequest (fetch cannot report upload progress) and
 * follows the server's NDJSON answer: upload progress first, then rows stored, then the final `done` or `error` line.
 */
import { MAX_UPLOAD_BYTES } from '../../../../shared/roster.ts';
import type { TUploadLine } from '../../../../shared/schemas/roster.ts';

export type UploadProgress =
  | { phase: 'sending'; loaded: number; total: number }
  | { phase: 'storing'; rows: number; bytes: number; total: number };

export type UploadOutcome = Extract<TUploadLine, { type: 'done' | 'error' }>;

const parseLines = (text: string): TUploadLine[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as TUploadLine];
      } catch {
        return []; // a line still arriving
      }
    });

export function uploadRoster(file: File, onProgress: (p: UploadProgress) => void): Promise<UploadOutcome> {
  if (file.size > MAX_UPLOAD_BYTES) return Promise.resolve({ type: 'error', code: 'IMPORT_TOO_LARGE' });
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/roster/upload?fileName=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.upload.onprogress = (e) => onProgress({ phase: 'sending', loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.upload.onload = () => onProgress({ phase: 'storing', rows: 0, bytes: 0, total: file.size });
    xhr.onprogress = () => {
      const last = parseLines(xhr.responseText).findLast((l) => l.type === 'progress');
      if (last?.type === 'progress') onProgress({ phase: 'storing', rows: last.rows, bytes: last.bytes, total: file.size });
    };
    xhr.onload = () => {
      const last = parseLines(xhr.responseText).at(-1);
      if (last && last.type !== 'progress') resolve(last);
      else resolve({ type: 'error', code: xhr.status >= 500 ? 'INTERNAL' : 'NETWORK' });
    };
    xhr.onerror = () => resolve({ type: 'error', code: navigator.onLine ? 'NETWORK' : 'OFFLINE' });
    xhr.send(file);
  });
}
