import { ApiError, authHeaders, CLIENT_ERROR_CODES, errorFromAnswer } from './client';

/** A stored file as record values reference it (`fileRef` of packages/schema). */
export interface FileRef {
  id: string;
  name: string;
  size: number;
  mime: string;
}

const formPath = (ws: string, form: string) =>
  `/api/v1/workspaces/${encodeURIComponent(ws)}/forms/${encodeURIComponent(form)}`;

/**
 * Uploads one file for a field (`sub.column` for a subform column) with progress (XMLHttpRequest:
 * fetch cannot report upload progress). Resolves with the reference to put in the record's value.
 */
export function uploadFile(
  ws: string,
  form: string,
  field: string,
  file: Blob,
  name: string,
  onProgress: (percent: number) => void,
  signal?: AbortSignal,
): Promise<FileRef> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${formPath(ws, form)}/files?field=${encodeURIComponent(field)}`);
    xhr.withCredentials = true;
    for (const [key, value] of Object.entries(authHeaders('POST'))) xhr.setRequestHeader(key, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as FileRef);
        } catch {
          reject(new ApiError(xhr.status, CLIENT_ERROR_CODES.badResponse, 'Unreadable answer'));
        }
      } else {
        reject(errorFromAnswer(xhr.status, xhr.statusText, xhr.responseText));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, CLIENT_ERROR_CODES.network, 'Upload failed'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    const body = new FormData();
    body.append('file', file, name);
    xhr.send(body);
  });
}

/** Downloads a record's file with the caller's credentials (an `<img>` could not send a bearer token). */
export async function fetchFile(ws: string, form: string, record: string, file: string): Promise<Blob> {
  const response = await fetch(
    `${formPath(ws, form)}/records/${encodeURIComponent(record)}/files/${encodeURIComponent(file)}`,
    { headers: authHeaders('GET'), credentials: 'same-origin' },
  );
  if (!response.ok) throw errorFromAnswer(response.status, response.statusText, await response.text());
  return response.blob();
}
