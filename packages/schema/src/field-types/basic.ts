import { Type } from 'typebox';
import { defineFieldType } from './define.js';
import { fileRef, numberSchema, stringSchema, withCount } from './fragments.js';

/** Hard caps on text sizes, so no form can invite megabyte strings into a record. */
const TEXT_CAP = 1000;
const TEXTAREA_CAP = 50_000;

/** Single-line text. */
export const textType = defineFieldType({
  type: 'text',
  config: { placeholder: Type.Optional(Type.String({ maxLength: 200 })) },
  computed: false,
  component: 'TextInput',
  formulaType: () => 'text',
  submission: (field) => stringSchema(field, TEXT_CAP),
});

/** Multi-line text. */
export const textareaType = defineFieldType({
  type: 'textarea',
  config: {
    placeholder: Type.Optional(Type.String({ maxLength: 200 })),
    rows: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  },
  computed: false,
  component: 'TextArea',
  formulaType: () => 'text',
  submission: (field) => stringSchema(field, TEXTAREA_CAP),
});

/** A number, optionally with a fixed count of decimals and a unit shown beside it. */
export const numberType = defineFieldType({
  type: 'number',
  config: {
    precision: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    unit: Type.Optional(Type.String({ maxLength: 20 })),
  },
  computed: false,
  component: 'NumberInput',
  formulaType: () => 'number',
  submission: (field) => numberSchema(field, field.precision),
});

/** An amount of money in one ISO 4217 currency, with at most `precision` decimals (default 2). */
export const moneyType = defineFieldType({
  type: 'money',
  config: {
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    precision: Type.Optional(Type.Integer({ minimum: 0, maximum: 4 })),
  },
  computed: false,
  component: 'MoneyInput',
  starter: { currency: 'CNY' },
  formulaType: () => 'money',
  submission: (field) => numberSchema(field, field.precision ?? 2),
});

/**
 * A percentage, stored as a fraction (15% is `0.15`) so formulas multiply with it directly.
 * `precision` counts decimals of the percentage as shown (default 2: 12.34%).
 */
export const percentType = defineFieldType({
  type: 'percent',
  config: { precision: Type.Optional(Type.Integer({ minimum: 0, maximum: 8 })) },
  computed: false,
  component: 'PercentInput',
  formulaType: () => 'percent',
  submission: (field) => numberSchema(field, (field.precision ?? 2) + 2),
});

/** A whole-star rating from 0 to `max` (default 5). */
export const ratingType = defineFieldType({
  type: 'rating',
  config: { max: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })) },
  computed: false,
  component: 'Rating',
  formulaType: () => 'number',
  submission: (field) => ({ type: 'integer', minimum: 0, maximum: field.max ?? 5 }),
});

/** An e-mail address. */
export const emailType = defineFieldType({
  type: 'email',
  config: {},
  computed: false,
  component: 'EmailInput',
  formulaType: () => 'text',
  submission: (field) => stringSchema(field, 254, { format: 'email' }),
});

/** A phone number (see `SUBMISSION_FORMATS.phone`). */
export const phoneType = defineFieldType({
  type: 'phone',
  config: {},
  computed: false,
  component: 'PhoneInput',
  formulaType: () => 'text',
  submission: (field) => stringSchema(field, 20, { format: 'phone' }),
});

/** An http(s) URL; other schemes (javascript:, data:) are refused. */
export const urlType = defineFieldType({
  type: 'url',
  config: {},
  computed: false,
  component: 'UrlInput',
  formulaType: () => 'text',
  submission: (field) => stringSchema(field, 2048, { format: 'uri', pattern: '^https?://' }),
});

/** A postal address; `level` says how fine the region part goes. */
export const addressType = defineFieldType({
  type: 'address',
  config: {
    level: Type.Optional(Type.Enum(['province', 'city', 'district'])),
    withDetail: Type.Optional(Type.Boolean()),
  },
  computed: false,
  component: 'AddressInput',
  formulaType: () => 'any',
  submission: () => {
    const part = { type: 'string', maxLength: 100 };
    return {
      type: 'object',
      additionalProperties: false,
      properties: {
        province: part,
        city: part,
        district: part,
        detail: { type: 'string', maxLength: 500 },
        lat: { type: 'number', minimum: -90, maximum: 90 },
        lng: { type: 'number', minimum: -180, maximum: 180 },
      },
    };
  },
});

const fileConfig = {
  maxFiles: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  /** Largest accepted file in bytes; enforced by the upload route, repeated here for the UI. */
  maxSize: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Accepted MIME types, e.g. `application/pdf`, `image/*`. */
  accept: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z]+/[a-zA-Z0-9.+*-]+$' }), { maxItems: 50 })),
};

/** Uploaded files (references to files already stored by the upload route). */
export const attachmentType = defineFieldType({
  type: 'attachment',
  config: fileConfig,
  computed: false,
  component: 'FileUpload',
  formulaType: () => 'any',
  submission: (field) =>
    withCount({ type: 'array', items: fileRef(), maxItems: field.maxFiles ?? 20 }, field),
});

/** Uploaded images. */
export const imageType = defineFieldType({
  type: 'image',
  config: fileConfig,
  computed: false,
  component: 'ImageUpload',
  formulaType: () => 'any',
  submission: (field) =>
    withCount({ type: 'array', items: fileRef('^image/'), maxItems: field.maxFiles ?? 20 }, field),
});

/** A hand-drawn signature, stored as an image file. */
export const signatureType = defineFieldType({
  type: 'signature',
  config: { maxSize: fileConfig.maxSize },
  computed: false,
  component: 'SignaturePad',
  formulaType: () => 'any',
  submission: () => fileRef('^image/'),
});
