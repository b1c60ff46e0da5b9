/**
 * Text made safe for a log the GitHub runner reads. The runner splits its steps' output into lines at
 * CR, LF and CRLF, and treats a line as a workflow command when, after leading white space, it starts
 * with `::` (`::error title=X::…`, `::add-mask::…`), or when it holds `##[` anywhere (the legacy
 * `##[command]` form). File names, S3 keys, tags and log lines come from pull request authors, so any
 * of them printed raw could write annotations, hide output or mask strings of the author's choosing.
 *
 * Both the action's and the CLI's Io pass every message through {@link logSafe}, so no caller can forget.
 * The escape is visible and URL-like, the form paths already take in the log:
 *
 * | raw                                       | shown as                     |
 * | ----------------------------------------- | ---------------------------- |
 * | CR, other C0 controls (not TAB, LF), DEL  | `%0D`, `%1B`, `%7F`, …       |
 * | C1 controls, U+2028, U+2029               | their UTF-8 bytes: `%C2%85`  |
 * | `##[` anywhere                            | `##%5B`                      |
 * | `::` at a line start (after white space)  | `%3A:`                       |
 *
 * A LF is a line break the caller wrote (the plan listing writes many lines at once): it stays, and each
 * line is made safe on its own. Values that may hold a LF of their own are quoted by the caller
 * (errors.ts `quote` shows it as `\n`), so a value never splits into lines the caller did not mean.
 */

/**
 * Characters shown as percent escapes: the runner's line breaks, terminal controls, Unicode line breaks.
 * (Control characters are what this pattern is for, hence the lint exception.)
 */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\0-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/g
/** The same class without `g`, for `test` (a global pattern's `test` carries `lastIndex` between calls). */
const HAS_CONTROL = new RegExp(CONTROLS.source)
/** `::` at the start of a line, after white space. */
const LEADING_COLONS = /(?:^|\n)[^\S\n]*::/

/** `text` with every line made safe for the runner's log (see the module comment). Pure. */
export function logSafe(text: string): string {
  // Most messages need nothing and are returned as they are. Three plain scans cost less than one
  // pattern with alternatives: ~4 ms rather than ~10 for the plan listing of 100,000 paths.
  const unsafe =
    HAS_CONTROL.test(text) || text.includes('##[') || (text.includes('::') && LEADING_COLONS.test(text))
  return unsafe ? text.split('\n').map(safeLine).join('\n') : text
}

function safeLine(line: string): string {
  return line
    .replace(CONTROLS, (ch) => encodeURIComponent(ch)) // upper-case hex of the UTF-8 bytes: %0D, %C2%85
    .replace(/##\[/g, '##%5B')
    .replace(/^(\s*)::/, '$1%3A:')
}

/**
 * JSON text made safe for the log without changing what it means: `##[` can only stand inside a string
 * (JSON's own `[` never follows `#`), where `\u005b` is the same `[`; U+2028 and U+2029, which
 * JSON.stringify leaves raw, become `\u2028` and `\u2029`. JSON.stringify already escapes every control
 * character, and an indented document's lines start with white space and `"`, `{`, `[`, `}` or `]`.
 */
export function jsonLogSafe(json: string): string {
  return json
    .replace(/##\[/g, '##\\u005b')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}
