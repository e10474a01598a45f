/**
 * Splits an inline command line (what telnet, `redis-cli` pipes and redis-benchmark's
 * PING_INLINE send: `SET key "hello world"\r\n`) into arguments, with the rules of Redis's
 * sdssplitargs:
 *
 * - arguments are separated by blanks; leading and trailing blanks are ignored;
 * - `"..."` understands `\n \r \t \b \a`, `\xHH` (two hex digits) and `\<any>` = `<any>`;
 * - `'...'` understands only `\'`; every other byte is taken literally;
 * - quotes may open in the middle of an argument (`a"b c"` is `ab c`), but a closing quote must
 *   be followed by a blank or the end of the line, and every quote must close, otherwise the
 *   whole line is refused (Redis answers "unbalanced quotes in request").
 *
 * One deliberate difference: sdssplitargs works on C strings, so a NUL byte would end the line
 * there. Redis never gets that far (it looks for the newline with strchr, which also stops at
 * NUL), so there is no behaviour to copy; here NUL is an ordinary byte.
 */

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const BACKSLASH = 0x5c;
const LOWER_X = 0x78;

const NOT_QUOTED = 0;
const IN_DOUBLE_QUOTES = 1;
const IN_SINGLE_QUOTES = 2;

/** C isspace(): blanks between arguments and after a closing quote (space, \t \n \v \f \r). */
function isBlank(byte: number): boolean {
  return byte === SPACE || (byte >= TAB && byte <= CR);
}

/**
 * Only these end an unquoted argument. sdssplitargs skips \v and \f between arguments but keeps
 * them inside one; we follow it so both sides agree on where arguments start and end.
 */
function endsUnquoted(byte: number): boolean {
  return byte === SPACE || byte === LF || byte === CR || byte === TAB;
}

/** Value of an ASCII hex digit, or -1. */
function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  return -1;
}

/** The byte a `\c` escape inside double quotes stands for. */
function unescape(byte: number): number {
  switch (byte) {
    case 0x6e: return LF; // \n
    case 0x72: return CR; // \r
    case 0x74: return TAB; // \t
    case 0x62: return 0x08; // \b
    case 0x61: return 0x07; // \a
    default: return byte; // \\ \" and any other character stand for themselves
  }
}

/**
 * The arguments of `line[start, end)` (the line without its `\r\n`), or null when its quotes
 * are unbalanced. Returned Buffers are fresh memory (views into one allocation per line), never
 * views of `line`.
 */
export function splitInlineArgs(line: Uint8Array, start = 0, end = line.length): Buffer[] | null {
  const args: Buffer[] = [];
  // Arguments never hold more bytes than the line, so one allocation holds them all.
  const out = Buffer.allocUnsafe(end - start);
  let written = 0;
  let i = start;
  for (;;) {
    while (i < end && isBlank(line[i])) i++;
    if (i === end) return args;
    const argStart = written;
    let quoting = NOT_QUOTED;
    for (;;) {
      if (i === end) {
        if (quoting !== NOT_QUOTED) return null;
        break;
      }
      const byte = line[i];
      if (quoting === NOT_QUOTED) {
        i++;
        if (endsUnquoted(byte)) break;
        if (byte === DOUBLE_QUOTE) quoting = IN_DOUBLE_QUOTES;
        else if (byte === SINGLE_QUOTE) quoting = IN_SINGLE_QUOTES;
        else out[written++] = byte;
      } else if (quoting === IN_DOUBLE_QUOTES) {
        if (byte === BACKSLASH && i + 3 < end && line[i + 1] === LOWER_X
            && hexValue(line[i + 2]) >= 0 && hexValue(line[i + 3]) >= 0) {
          out[written++] = hexValue(line[i + 2]) * 16 + hexValue(line[i + 3]);
          i += 4;
        } else if (byte === BACKSLASH && i + 1 < end) {
          out[written++] = unescape(line[i + 1]);
          i += 2;
        } else if (byte === DOUBLE_QUOTE) {
          if (i + 1 < end && !isBlank(line[i + 1])) return null;
          i++;
          break;
        } else {
          out[written++] = byte;
          i++;
        }
      } else if (byte === BACKSLASH && i + 1 < end && line[i + 1] === SINGLE_QUOTE) {
        out[written++] = SINGLE_QUOTE;
        i += 2;
      } else if (byte === SINGLE_QUOTE) {
        if (i + 1 < end && !isBlank(line[i + 1])) return null;
        i++;
        break;
      } else {
        out[written++] = byte;
        i++;
      }
    }
    args.push(out.subarray(argStart, written));
  }
}
