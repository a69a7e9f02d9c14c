// Public surface of the apimachinery helpers: pure functions shared by the registry,
// the handlers and the flags. Label and field selectors are also exported as namespaces
// (`labels.parse`, `fields.parse`) since both modules name their parser `parse`.

export * as labels from "./labels.js";
export * as fields from "./fields.js";

export {
  parse as parseLabelSelector,
  matchLabelSelector,
  selectorFromSet as labelSelectorFromSet,
  newRequirement as newLabelRequirement,
  validateLabelSelector,
  validateLabelSelectorRequirement,
  validateLabels,
  validateLabelName,
  LabelSelectorError,
  Selector as LabelSelectorMatcher,
  type Requirement as LabelRequirement,
  type Operator as LabelOperator,
  type LabelSelector,
  type LabelSelectorRequirement,
  type LabelSelectorValidationOptions,
} from "./labels.js";

export {
  parse as parseFieldSelector,
  escapeValue as escapeFieldSelectorValue,
  unescapeValue as unescapeFieldSelectorValue,
  FieldSelector,
  FieldSelectorError,
  type FieldRequirement,
} from "./fields.js";

export * from "./validation.js";
export * from "./field-errors.js";
export * from "./objectmeta-validation.js";
export * from "./bool.js";
export * from "./quantity.js";
export * from "./duration.js";
export { goQuote } from "./goformat.js";
