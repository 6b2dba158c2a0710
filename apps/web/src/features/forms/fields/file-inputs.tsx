import {
  CameraOutlined,
  DeleteOutlined,
  FileOutlined,
  PaperClipOutlined,
  PictureOutlined,
} from '@ant-design/icons';
import { Button, Flex, Image, Progress, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/client';
import { type FileRef, fetchFile, uploadFile } from '../../../api/files';
import { useShared } from '../../../api/shared-cache';
import { useFeedback } from '../../../components/feedback';
import { useIsPhone } from '../../../components/use-is-phone';
import { refsOf } from './file-widgets';
import type { DisplayProps, FieldContext, InputProps } from './types';

/** Previews of files uploaded from this tab, by file id: shown before any record holds them. */
const localPreviews = new Map<string, string>();

export function rememberPreview(ref: FileRef, file: Blob): void {
  if (ref.mime.startsWith('image/')) localPreviews.set(ref.id, URL.createObjectURL(file));
}

export function sizeText(bytes: number, language: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(size)} ${units[unit]}`;
}

/** An object URL of a stored file (fetched with the caller's credentials), or of this tab's upload. */
function useFileUrl(ctx: FieldContext, ref: FileRef): string | undefined {
  const local = localPreviews.get(ref.id);
  const key = !local && ctx.recordId ? `file:${ctx.form.id}:${ctx.recordId}:${ref.id}` : null;
  const { value } = useShared(
    key,
    async () =>
      URL.createObjectURL(await fetchFile(ctx.workspaceId, ctx.form.id, ctx.recordId ?? '', ref.id)),
    10 * 60_000,
  );
  return local ?? value;
}

async function download(ctx: FieldContext, ref: FileRef): Promise<void> {
  const url =
    localPreviews.get(ref.id) ??
    (ctx.recordId
      ? URL.createObjectURL(await fetchFile(ctx.workspaceId, ctx.form.id, ctx.recordId, ref.id))
      : undefined);
  if (!url) return;
  const link = document.createElement('a');
  link.href = url;
  link.download = ref.name;
  link.click();
}

function Thumbnail({ ctx, file, size }: { ctx: FieldContext; file: FileRef; size: number }) {
  const url = useFileUrl(ctx, file);
  return url ? (
    <Image
      src={url}
      alt={file.name}
      width={size}
      height={size}
      style={{ objectFit: 'cover', borderRadius: 6 }}
      preview={size > 40}
    />
  ) : (
    <div
      role="img"
      aria-label={file.name}
      style={{
        width: size,
        height: size,
        borderRadius: 6,
        background: '#eef2f7',
        display: 'grid',
        placeItems: 'center',
      }}
    >
      <PictureOutlined />
    </div>
  );
}

function FileLink({ ctx, file }: { ctx: FieldContext; file: FileRef }) {
  const { message } = useFeedback();
  const { t } = useTranslation();
  return (
    <Typography.Link
      onClick={() =>
        download(ctx, file).catch((error: unknown) =>
          message.error(error instanceof ApiError ? error.message : t('fields.downloadFailed')),
        )
      }
    >
      <PaperClipOutlined /> {file.name}
    </Typography.Link>
  );
}

export function FilesDisplay({ value, ctx, compact, field }: DisplayProps) {
  const { t } = useTranslation();
  const files = refsOf(value);
  if (files.length === 0) return null;
  if (compact) return <span>{t('fields.fileCount', { count: files.length })}</span>;
  const images = field.type !== 'attachment';
  return (
    <Flex gap={8} wrap vertical={!images}>
      {files.map((file) =>
        images ? (
          <Thumbnail key={file.id} ctx={ctx} file={file} size={field.type === 'signature' ? 120 : 96} />
        ) : (
          <span key={file.id}>
            <FileLink ctx={ctx} file={file} />{' '}
            <Typography.Text type="secondary">{sizeText(file.size, ctx.language)}</Typography.Text>
          </span>
        ),
      )}
    </Flex>
  );
}

interface Uploading {
  key: string;
  name: string;
  percent: number;
}

/** The upload field name: the field's key, or `subform.column` for a column. */
export function uploadKey(field: { key: string }, ctx: FieldContext): string {
  return ctx.subform ? `${ctx.subform}.${field.key}` : field.key;
}

export function FilesInput({ field, value, onChange, id, disabled, ctx, ariaLabel }: InputProps) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const phone = useIsPhone();
  const images = field.type === 'image';
  const files = refsOf(value);
  const [uploading, setUploading] = useState<Uploading[]>([]);
  const latest = useRef(files);
  latest.current = files;
  const pick = useRef<HTMLInputElement>(null);
  const camera = useRef<HTMLInputElement>(null);
  const maxFiles = typeof field.maxFiles === 'number' ? field.maxFiles : 20;
  const accept = Array.isArray(field.accept)
    ? (field.accept as string[]).join(',')
    : images
      ? 'image/*'
      : undefined;

  async function add(list: FileList | null) {
    const chosen = [...(list ?? [])];
    if (chosen.length === 0) return;
    if (files.length + uploading.length + chosen.length > maxFiles) {
      void message.warning(t('fields.tooManyFiles', { count: maxFiles }));
      return;
    }
    await Promise.all(
      chosen.map(async (file) => {
        const key = `${file.name}-${Date.now()}-${Math.random()}`;
        setUploading((now) => [...now, { key, name: file.name, percent: 0 }]);
        try {
          const ref = await uploadFile(
            ctx.workspaceId,
            ctx.form.id,
            uploadKey(field, ctx),
            file,
            file.name,
            (percent) => setUploading((now) => now.map((u) => (u.key === key ? { ...u, percent } : u))),
          );
          rememberPreview(ref, file);
          latest.current = [...latest.current, ref];
          onChange(latest.current);
        } catch (error) {
          void message.error(
            `${file.name}: ${error instanceof ApiError ? error.message : t('fields.uploadFailed')}`,
          );
        } finally {
          setUploading((now) => now.filter((u) => u.key !== key));
        }
      }),
    );
  }

  const remove = (fileId: string) => {
    const next = files.filter((f) => f.id !== fileId);
    onChange(next.length === 0 ? null : next);
  };
  const full = files.length + uploading.length >= maxFiles;
  return (
    <Flex vertical gap={8} id={id} role="group" aria-label={ariaLabel}>
      {files.length > 0 && (
        <Flex gap={8} wrap vertical={!images}>
          {files.map((file) => (
            <Flex key={file.id} gap={6} align="center" data-testid="uploaded-file">
              {images ? <Thumbnail ctx={ctx} file={file} size={72} /> : <FileOutlined />}
              {!images && (
                <Typography.Text ellipsis style={{ maxWidth: 240 }}>
                  {file.name}
                </Typography.Text>
              )}
              {!disabled && (
                <Button
                  type="text"
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('fields.removeFile', { name: file.name })}
                  onClick={() => remove(file.id)}
                />
              )}
            </Flex>
          ))}
        </Flex>
      )}
      {uploading.map((u) => (
        <div key={u.key} data-testid="upload-progress">
          <Typography.Text type="secondary" ellipsis style={{ maxWidth: 280 }}>
            {u.name}
          </Typography.Text>
          <Progress percent={u.percent} size="small" status="active" />
        </div>
      ))}
      {!disabled && !full && (
        <Flex gap={8} wrap>
          {images && phone && (
            <Button icon={<CameraOutlined />} onClick={() => camera.current?.click()}>
              {t('fields.takePhoto')}
            </Button>
          )}
          <Button
            icon={images ? <PictureOutlined /> : <PaperClipOutlined />}
            onClick={() => pick.current?.click()}
          >
            {images ? t('fields.chooseImage') : t('fields.chooseFile')}
          </Button>
        </Flex>
      )}
      <input
        ref={pick}
        type="file"
        hidden
        multiple={maxFiles > 1}
        accept={accept}
        data-testid={`file-input-${field.key}`}
        onChange={(e) => {
          void add(e.target.files);
          e.target.value = '';
        }}
      />
      {images && (
        <input
          ref={camera}
          type="file"
          hidden
          accept="image/*"
          capture="environment"
          data-testid={`camera-input-${field.key}`}
          onChange={(e) => {
            void add(e.target.files);
            e.target.value = '';
          }}
        />
      )}
    </Flex>
  );
}

/** The file widgets: attachments, images (with the camera on phones), signatures. */
