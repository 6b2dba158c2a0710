import type { FieldDefinition } from '../../../api/apps';
import { Input, TextArea } from '../../../components/antd-lean';
import { TextLink } from '../../../components/text';
import { localized } from '../../../i18n/localized';
import type { DisplayProps, FieldWidget, InputProps } from './types';

const asText = (value: unknown) => (value === undefined || value === null ? '' : String(value));

function placeholderOf(field: FieldDefinition, language: string): string | undefined {
  return localized(field.placeholder as never, language) || undefined;
}

function PlainDisplay({ value, compact }: DisplayProps) {
  const text = asText(value);
  if (compact) return <span>{text}</span>;
  return <span style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{text}</span>;
}

function LinkDisplay({ value, field }: DisplayProps) {
  const text = asText(value);
  if (!text) return null;
  const href =
    field.type === 'email'
      ? `mailto:${text}`
      : field.type === 'phone'
        ? `tel:${text.replace(/[^+\d]/g, '')}`
        : text;
  // Only http(s) links are ever stored for url fields (the schema refuses other schemes).
  const safe = field.type !== 'url' || /^https?:\/\//i.test(text);
  return safe ? (
    <TextLink href={href} target={field.type === 'url' ? '_blank' : undefined} rel="noreferrer noopener">
      {text}
    </TextLink>
  ) : (
    <span>{text}</span>
  );
}

type LineType = 'text' | 'email' | 'tel' | 'url';

/** A one-line text input; `type` picks the keyboard phones show. */
function LineInput({
  field,
  value,
  onChange,
  id,
  disabled,
  invalid,
  ctx,
  ariaLabel,
  type,
}: InputProps & { type: LineType }) {
  const max = (field.validation as { maxLength?: number } | undefined)?.maxLength;
  return (
    <Input
      id={id}
      type={type}
      inputMode={type === 'tel' ? 'tel' : type === 'email' ? 'email' : type === 'url' ? 'url' : undefined}
      value={asText(value)}
      onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
      disabled={disabled}
      status={invalid ? 'error' : ''}
      placeholder={placeholderOf(field, ctx.language)}
      maxLength={max ?? (type === 'url' ? 2048 : 1000)}
      aria-label={ariaLabel}
      allowClear={!disabled}
    />
  );
}

const TextLineInput = (props: InputProps) => <LineInput {...props} type="text" />;
const EmailLineInput = (props: InputProps) => <LineInput {...props} type="email" />;
const PhoneLineInput = (props: InputProps) => <LineInput {...props} type="tel" />;
const UrlLineInput = (props: InputProps) => <LineInput {...props} type="url" />;

function TextAreaInput({ field, value, onChange, id, disabled, invalid, ctx, ariaLabel }: InputProps) {
  const rows = typeof field.rows === 'number' ? field.rows : 3;
  return (
    <TextArea
      id={id}
      value={asText(value)}
      onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
      disabled={disabled}
      status={invalid ? 'error' : ''}
      placeholder={placeholderOf(field, ctx.language)}
      autoSize={{ minRows: rows, maxRows: Math.max(rows, 12) }}
      maxLength={50_000}
      aria-label={ariaLabel}
    />
  );
}

const text = (value: unknown) => asText(value);

/** Widgets of the text-like field types, by their registry component names. */
export const textWidgets: Record<string, FieldWidget> = {
  TextInput: { Display: PlainDisplay, Input: TextLineInput, text },
  TextArea: { Display: PlainDisplay, Input: TextAreaInput, wide: true, text },
  EmailInput: { Display: LinkDisplay, Input: EmailLineInput, text },
  PhoneInput: { Display: LinkDisplay, Input: PhoneLineInput, text },
  UrlInput: { Display: LinkDisplay, Input: UrlLineInput, text },
};
