import type { FormDoc } from './model.js';

/** A form as `GET /apps/:app/forms` lists it (API.md): its published version and visible fields. */
export function formSummary(doc: FormDoc) {
  const { description, icon, layout, titleField } = doc.published as {
    description?: unknown;
    icon?: unknown;
    layout?: unknown;
    titleField?: unknown;
  };
  return {
    id: doc._id.toHexString(),
    key: doc.key,
    name: doc.published.name,
    version: doc.version,
    fields: doc.published.fields.filter((field) => !field.hidden),
    // What the web app needs to lay the form out and name its records.
    ...(description === undefined ? {} : { description }),
    ...(icon === undefined ? {} : { icon }),
    ...(layout === undefined ? {} : { layout }),
    ...(titleField === undefined ? {} : { titleField }),
  };
}

/** A form with its working and published definitions, for the form designer. */
export function formDetail(doc: FormDoc) {
  return {
    id: doc._id.toHexString(),
    app: doc.app.toHexString(),
    key: doc.key,
    name: doc.published.name,
    version: doc.version,
    v: doc.v,
    definition: doc.definition,
    published: doc.published,
    updatedAt: doc.updatedAt.toISOString(),
  };
}
