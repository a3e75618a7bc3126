/** Monaco's id for the WAT language; its own module so the page's entry chunk need not carry the language. */
export const WAT_LANGUAGE_ID = 'wat';
