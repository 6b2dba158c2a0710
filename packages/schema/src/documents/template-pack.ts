import { type Static, Type } from 'typebox';
import { Key, LocaleSchema, LocalizedText } from '../common.js';
import { Automation } from './automation.js';
import { Dashboard } from './dashboard.js';
import { Flow } from './flow.js';
import { App, Form } from './form.js';
import { Role } from './role.js';

/** Identity of a template pack. */
export const PackManifest = Type.Object(
  {
    key: Key,
    name: LocalizedText,
    /** Semantic version of the pack. */
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?$' }),
    description: Type.Optional(LocalizedText),
    locales: Type.Array(LocaleSchema, { minItems: 1, uniqueItems: true }),
  },
  { additionalProperties: false },
);

/** Static type of {@link PackManifest}. */
export type PackManifest = Static<typeof PackManifest>;

/**
 * A template pack: everything an app consists of, cross-referenced by keys (never database ids), so it
 * imports into any workspace and an exported app imports back equal.
 */
export const TemplatePack = Type.Object(
  {
    manifest: PackManifest,
    app: Type.Optional(App),
    forms: Type.Array(Form, { minItems: 1, maxItems: 200 }),
    flows: Type.Optional(Type.Array(Flow, { maxItems: 200 })),
    automations: Type.Optional(Type.Array(Automation, { maxItems: 500 })),
    dashboards: Type.Optional(Type.Array(Dashboard, { maxItems: 100 })),
    roles: Type.Optional(Type.Array(Role, { maxItems: 100 })),
  },
  { additionalProperties: false },
);

/** Static type of {@link TemplatePack}. */
export type TemplatePack = Static<typeof TemplatePack>;
