/**
 * The UI component of each field type of packages/schema's registry, and whether only the server writes
 * it. The same facts as `fieldTypes` (a test keeps them equal) without the registry's JSON schemas, so
 * showing a form does not download the schema validator (typebox): it loads only where validation runs.
 */
export const FIELD_COMPONENTS: Readonly<Record<string, { component: string; computed?: true }>> = {
  text: { component: 'TextInput' },
  textarea: { component: 'TextArea' },
  number: { component: 'NumberInput' },
  money: { component: 'MoneyInput' },
  percent: { component: 'PercentInput' },
  date: { component: 'DatePicker' },
  datetime: { component: 'DateTimePicker' },
  select: { component: 'Select' },
  multiselect: { component: 'MultiSelect' },
  radio: { component: 'RadioGroup' },
  checkbox: { component: 'CheckboxGroup' },
  switch: { component: 'Switch' },
  member: { component: 'MemberPicker' },
  department: { component: 'DepartmentPicker' },
  email: { component: 'EmailInput' },
  phone: { component: 'PhoneInput' },
  url: { component: 'UrlInput' },
  rating: { component: 'Rating' },
  address: { component: 'AddressInput' },
  attachment: { component: 'FileUpload' },
  image: { component: 'ImageUpload' },
  signature: { component: 'SignaturePad' },
  relation: { component: 'RecordPicker' },
  lookup: { component: 'LookupValue', computed: true },
  rollup: { component: 'ComputedValue', computed: true },
  formula: { component: 'ComputedValue', computed: true },
  serial: { component: 'SerialValue', computed: true },
  system: { component: 'SystemValue', computed: true },
  subform: { component: 'SubformTable' },
};
