import { ClearOutlined, EditOutlined } from '@ant-design/icons';
import { Button, Flex, Progress, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type SignaturePad from 'signature_pad';
import { ApiError } from '../../../api/client';
import { uploadFile } from '../../../api/files';
import { useFeedback } from '../../../components/feedback';
import { rememberPreview, uploadKey } from './file-inputs';
import { refsOf } from './file-widgets';
import type { InputProps } from './types';

/**
 * A signature drawn with a finger or the mouse (signature_pad), stored as a PNG file like an image
 * upload. The pad only loads when someone signs.
 */
export function SignatureInput({ field, value, onChange, id, disabled, ctx, ariaLabel }: InputProps) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const canvas = useRef<HTMLCanvasElement>(null);
  const pad = useRef<SignaturePad | null>(null);
  const [drawing, setDrawing] = useState(false);
  const [empty, setEmpty] = useState(true);
  const [percent, setPercent] = useState<number | null>(null);
  const current = refsOf(value)[0];

  useEffect(() => {
    if (!drawing || !canvas.current) return;
    let alive = true;
    const element = canvas.current;
    void import('signature_pad').then(({ default: Pad }) => {
      if (!alive) return;
      // Draw at the screen's pixel density so the stored image is sharp.
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      element.width = element.offsetWidth * ratio;
      element.height = element.offsetHeight * ratio;
      element.getContext('2d')?.scale(ratio, ratio);
      const instance = new Pad(element, { penColor: '#111827' });
      instance.addEventListener('endStroke', () => setEmpty(instance.isEmpty()));
      pad.current = instance;
    });
    return () => {
      alive = false;
      pad.current?.off();
      pad.current = null;
    };
  }, [drawing]);

  async function save() {
    const instance = pad.current;
    const element = canvas.current;
    if (!instance || !element || instance.isEmpty()) return;
    // toBlob, not fetch(dataURL): the page's connect-src does not allow data: URLs.
    const blob = await new Promise<Blob | null>((resolve) => element.toBlob(resolve, 'image/png'));
    if (!blob) return;
    setPercent(0);
    try {
      const ref = await uploadFile(
        ctx.workspaceId,
        ctx.form.id,
        uploadKey(field, ctx),
        blob,
        'signature.png',
        setPercent,
      );
      rememberPreview(ref, blob);
      onChange(ref);
      setDrawing(false);
    } catch (error) {
      void message.error(error instanceof ApiError ? error.message : t('fields.uploadFailed'));
    } finally {
      setPercent(null);
    }
  }

  if (!drawing) {
    return (
      <Flex gap={8} align="center" wrap id={id} role="group" aria-label={ariaLabel}>
        {current && <Typography.Text type="success">{t('fields.signed')}</Typography.Text>}
        {!disabled && (
          <Button icon={<EditOutlined />} onClick={() => setDrawing(true)}>
            {current ? t('fields.signAgain') : t('fields.sign')}
          </Button>
        )}
        {current && !disabled && (
          <Button type="text" danger onClick={() => onChange(null)}>
            {t('fields.clearSignature')}
          </Button>
        )}
      </Flex>
    );
  }
  return (
    <Flex vertical gap={8} id={id} role="group" aria-label={ariaLabel}>
      <canvas
        ref={canvas}
        aria-label={t('fields.signHere')}
        style={{
          width: '100%',
          maxWidth: 480,
          height: 180,
          border: '1px dashed #94a3b8',
          borderRadius: 8,
          touchAction: 'none',
          background: '#fff',
        }}
      />
      {percent !== null && <Progress percent={percent} size="small" />}
      <Flex gap={8} wrap>
        <Button type="primary" disabled={empty || percent !== null} onClick={() => void save()}>
          {t('fields.useSignature')}
        </Button>
        <Button
          icon={<ClearOutlined />}
          onClick={() => {
            pad.current?.clear();
            setEmpty(true);
          }}
        >
          {t('fields.clearPad')}
        </Button>
        <Button type="text" onClick={() => setDrawing(false)}>
          {t('common.cancel')}
        </Button>
      </Flex>
    </Flex>
  );
}
