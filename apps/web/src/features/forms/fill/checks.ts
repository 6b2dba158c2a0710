// Its own module so the bundler splits the validator (ajv, ajv-formats, re2js) out of the fill route.
export { checkSubmission } from '@formloom/form-runtime';
