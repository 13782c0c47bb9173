/**
 * @module String length keywords
 *
 * `minLength` and `maxLength` exactly as Ajv defines them (lengths in Unicode code points, the
 * same errors), but counting code points only when the answer depends on it. Ajv counts every
 * string in full on every validation, once per keyword: on `POST /v1/verify` that was the key
 * twice and each scope name twice, about 4% of the server's instructions per request
 * (CHANGELOG.md, 2026-12-03). A string has no more code points than UTF-16 units (`.length`), and at
 * least half as many, so `.length` alone decides unless it lies between the limit and twice it.
 */
import { createRequire } from 'node:module';
import { _, type CodeKeywordDefinition, str } from 'ajv';
import { useFunc } from 'ajv/dist/compile/util.js';

// Ajv's own count, so that the generated code is the same as Ajv's (a CommonJS module whose
// function is its `default`, which an ES import would wrap).
const { default: ucs2length } = createRequire(import.meta.url)(
  'ajv/dist/runtime/ucs2length',
) as typeof import('ajv/dist/runtime/ucs2length');

export const stringLengthKeywords: CodeKeywordDefinition = {
  keyword: ['maxLength', 'minLength'],
  type: 'string',
  schemaType: 'number',
  $data: true,
  error: {
    message: ({ keyword, schemaCode }) =>
      str`must NOT have ${keyword === 'maxLength' ? 'more' : 'fewer'} than ${schemaCode} characters`,
    params: ({ schemaCode }) => _`{limit: ${schemaCode}}`,
  },
  code(cxt) {
    const { keyword, data, schemaCode, gen } = cxt;
    const codePoints = _`${useFunc(gen, ucs2length)}(${data})`;
    cxt.fail$data(
      keyword === 'maxLength'
        ? _`${data}.length > ${schemaCode} && ${codePoints} > ${schemaCode}`
        : _`${data}.length < 2 * ${schemaCode} && ${codePoints} < ${schemaCode}`,
    );
  },
};
