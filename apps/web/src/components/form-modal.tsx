import { Form, type FormInstance, Modal } from 'antd';
import { type ReactNode, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { splitDetails } from '../api/form-errors';
import { ApiErrorAlert } from './api-error-alert';

/** A refused save: the server's error and the details that belong to no field of the form. */
export interface FormFailure {
  error: ApiError;
  other: ApiError['details'];
}

/**
 * The save cycle of a form that writes through the API: `save` runs with the form disabled; an
 * ApiError puts each detail under the field its JSON pointer names (`fieldByPath`, after `normalize`)
 * and keeps the rest for the alert. Other errors are not the form's to show and propagate.
 */
export function useApiForm<Values>(
  form: FormInstance<Values>,
  fieldByPath: Readonly<Record<string, keyof Values & string>>,
  normalize: (error: ApiError) => ApiError = (error) => error,
) {
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<FormFailure | null>(null);
  const clearFailure = useCallback(() => setFailure(null), []);
  async function run(save: () => Promise<void>): Promise<void> {
    setSubmitting(true);
    setFailure(null);
    try {
      await save();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const { fields, other } = splitDetails(normalize(error), fieldByPath);
      form.setFields(fields.map(({ name, errors }) => ({ name: name as never, errors })));
      setFailure({ error, other });
    } finally {
      setSubmitting(false);
    }
  }
  return { submitting, failure, clearFailure, run };
}

/**
 * A modal holding one vertical form: OK submits it, the form is disabled while saving, and a refused
 * save shows `failureTitle` with what the server said below the fields. Rendered while closed so the
 * form instance is connected before the first open.
 */
export function FormModal<Values>({
  open,
  title,
  okText,
  form,
  submitting,
  failure,
  failureTitle,
  initialValues,
  onFinish,
  onCancel,
  children,
}: {
  open: boolean;
  title: ReactNode;
  okText: string;
  form: FormInstance<Values>;
  submitting: boolean;
  failure: FormFailure | null;
  failureTitle: string;
  initialValues?: Partial<Values>;
  onFinish: (values: Values) => Promise<void>;
  onCancel: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      confirmLoading={submitting}
      forceRender
    >
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        {...(initialValues ? { initialValues } : {})}
        onFinish={(values) => void onFinish(values)}
        disabled={submitting}
      >
        {children}
        {failure && <ApiErrorAlert title={failureTitle} error={failure.error} details={failure.other} />}
      </Form>
    </Modal>
  );
}
