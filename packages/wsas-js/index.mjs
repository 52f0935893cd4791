// wsas-js: the WSAS validator and scorer, the very code of the handbook's forms
// (site_src/assets/js/validator.mjs and scorer.mjs, copied into lib/ when the package is packed).
//
//   import { makeValidator, scoreValid } from "wsas-js";
//   const validate = makeValidator(schemas);          // the published schemas (wsas-js/node in Node)
//   const errors = validate(submission, [rubric]);    // [] when valid (spec/validation.md)
//   const result = scoreValid(submission, rubric);    // spec/scoring.md, numbers as decimal.js values
//
// Runs in Node and, through a bundler, in browsers; nothing here reads files.

export * from "./lib/validator.mjs";
export * from "./lib/scorer.mjs";
