import type { Types } from 'mongoose';
import type { FormDefinition } from '../forms/meta.js';

// Planning (formula kinds, dependency order, rules) lives in @formloom/form-runtime, shared with the
// browser's live forms; the server adds where each form is stored.
export {
  type FieldRule,
  formulaKinds,
  lookupTarget,
  planScope,
  rollupFieldRefs,
  type ScopePlan,
} from '@formloom/form-runtime';

/** A form as the compute engine needs it: its id, key and the definition of its published version. */
export interface LoadedForm {
  id: Types.ObjectId;
  app: Types.ObjectId;
  key: string;
  version: number;
  definition: FormDefinition;
}

/** The forms of one app, by key (relations, lookups and rollups name forms by key). */
export interface FormDirectory {
  byKey(key: string): LoadedForm | undefined;
}
