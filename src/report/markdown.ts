/**
 * Markdown for values driftgate does not control: tag keys and values, addresses, names from
 * CloudTrail, plan strings, error messages. Every renderer (PR bodies, comments, the
 * dashboard, check runs, `scan --format markdown`) puts such a value through one of these,
 * so it shows as the text it is: it cannot end a code span, open HTML or a comment, start a
 * heading or list, split a table row, or ping a person or team.
 */

/** Mentions (`@user`, `@org/team`) and references (`#12`, `org/repo#12`) GitHub would act on. */
const WORD_JOINER = '\u2060';

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/**
 * `<!--` in a value would be read as the start of a hidden record (src/github/hidden-json.ts)
 * by anything scanning the raw body, even inside code where it renders as text: a word joiner
 * after `<` breaks it without changing what a reader sees.
 */
function withoutCommentOpeners(text: string): string {
  return text.replace(/<!--/g, `<${WORD_JOINER}!--`);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ');
}

/**
 * An inline code span showing `text` literally: the fence is longer than any backtick run in
 * it, and padded with a space when the text starts or ends with a backtick or space
 * (CommonMark strips one space from each side of such content). Line breaks become spaces,
 * as a code span renders them anyway, so a value cannot begin a new block.
 */
export function inlineCode(text: string): string {
  const content = withoutCommentOpeners(oneLine(text));
  if (content === '') return '` `';
  const fence = '`'.repeat(longestBacktickRun(content) + 1);
  const pad = /^[` ]|[` ]$/.test(content) && content.trim() !== '' ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/**
 * Characters that open or close inline Markdown anywhere on a line (GitHub's flavour):
 * emphasis and strikethrough, code, links, images and footnotes, HTML, autolinks and
 * entities, math. A pipe matters only in a table row: `tableCell` escapes it there.
 */
const INLINE_SYNTAX = /[!$&*<>[\\\]_`~]/g;
/** What makes a block when it starts a line: headings, lists, quotes, setext underlines, breaks. */
const BLOCK_START = /^(\d{1,9}(?=[.)])|(?=[-+=#>]))(.)/;

/**
 * Plain inline text showing `text` literally: Markdown syntax is backslash-escaped, line
 * breaks become spaces and leading blanks go (a value cannot start a block or a code block),
 * and a word joiner (U+2060) keeps GitHub from acting on the text: after `@` and `#` (no
 * mention of a person or team, no issue reference), after `GH-`, and inside `://` and `www.`
 * (no autolink, whose text GitHub would show with the escapes in it).
 */
export function plainText(text: string): string {
  return oneLine(text)
    .trimStart()
    .replace(INLINE_SYNTAX, (character) => `\\${character}`)
    .replace(BLOCK_START, (_, digits: string, marker: string) => `${digits}\\${marker}`)
    .replace(/([@#])/g, `$1${WORD_JOINER}`)
    .replace(/(GH-)(?=\d)/gi, `$1${WORD_JOINER}`)
    .replace(/:\/\//g, `:${WORD_JOINER}//`)
    .replace(/\b(www)\./gi, `$1${WORD_JOINER}.`);
}

/** A table cell: a pipe would end the cell even inside a code span (GFM), so it is escaped. */
export function tableCell(markdown: string): string {
  return oneLine(markdown).replace(/\|/g, '\\|');
}

/**
 * A fenced code block: the fence is longer than any backtick run inside. Text holding `<!--`
 * (which a raw-body reader would take for a hidden record) is an HTML `<pre>` block with the
 * text entity-escaped instead: it shows and copies exactly as it is.
 */
export function codeBlock(text: string, language = ''): string {
  if (text.includes('<!--'))
    return `<pre><code>${escapeHtml(text.replace(/\n$/, ''))}</code></pre>`;
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `${fence}${language}\n${text.replace(/\n$/, '')}\n${fence}`;
}
