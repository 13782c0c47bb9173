/**
 * @module Page headers
 *
 * What a browser is told about the pages Keyward renders — the admin UI at `/` and the API
 * docs at `/docs` — and only those (JSON answers are not pages, and the verify path carries
 * nothing it does not need): no script but the page's own files, no framing by any other site,
 * no guessing of content types, and no referrer sent along from a page that shows keys.
 */

/** Headers every page carries. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // For browsers that predate frame-ancestors.
  'x-frame-options': 'DENY',
});

const common =
  "default-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The admin UI's policy: its own scripts and style sheets only (its icon is a data: URL). */
export const UI_CSP = `${common}; style-src 'self'; img-src 'self' data:; font-src 'self'`;

/** The API docs' policy: Swagger UI sets styles inline and draws with data: images and fonts. */
export const DOCS_CSP = `${common}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:`;
