// The published schemas and rubrics and the JavaScript validator over them: one reader for the tests
// and the conformance adapter (tools/js/published.mjs).

export { ROOT, programs, published, readJson, schemas, validate } from "../../tools/js/published.mjs";
