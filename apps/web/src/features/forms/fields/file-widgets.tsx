import type { FileRef } from '../../../api/files';
import { lazyDisplay, lazyInput } from './lazy-widget';
import type { FieldWidget } from './types';

/** The files a file, image or signature value names. */
export function refsOf(value: unknown): FileRef[] {
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : [];
  return list.filter(
    (v): v is FileRef => typeof v === 'object' && v !== null && typeof (v as FileRef).id === 'string',
  );
}

const names = (v: unknown) =>
  refsOf(v)
    .map((f) => f.name)
    .join(', ');

// Uploads, previews and the signature pad are their own chunks, loaded when a form shows such a field.
const FilesDisplay = lazyDisplay(() => import('./file-inputs').then((m) => m.FilesDisplay));
const FilesInput = lazyInput(() => import('./file-inputs').then((m) => m.FilesInput));
const SignatureInput = lazyInput(() => import('./signature-input').then((m) => m.SignatureInput));

/** Widgets of the file, image and signature field types. */
export const fileWidgets: Record<string, FieldWidget> = {
  FileUpload: { Display: FilesDisplay, Input: FilesInput, wide: true, text: names },
  ImageUpload: { Display: FilesDisplay, Input: FilesInput, wide: true, text: names },
  SignaturePad: { Display: FilesDisplay, Input: SignatureInput, wide: true },
};
