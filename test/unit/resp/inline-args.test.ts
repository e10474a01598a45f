/** splitInlineArgs against the rules of Redis's sdssplitargs, one row per rule. */
import fc from 'fast-check';
import { splitInlineArgs } from '../../../src/resp/inline-args';

/** Splits a latin1 line; arguments back as latin1 strings, or null. */
function split(line: string): string[] | null {
  const args = splitInlineArgs(Buffer.from(line, 'latin1'));
  return args === null ? null : args.map((arg) => arg.toString('latin1'));
}

describe('splitInlineArgs', () => {
  test.each<[string, string, string[] | null]>([
    ['empty line', '', []],
    ['blanks only', ' \t\x0b\x0c ', []],
    ['one word', 'PING', ['PING']],
    ['words separated by runs of blanks', '  SET \t key   value  ', ['SET', 'key', 'value']],
    ['CR and LF separate like spaces', 'a\rb\nc', ['a', 'b', 'c']],
    ['\\v and \\f are skipped between arguments but kept inside one', '\x0ba\x0bb \x0c', ['a\x0bb']],
    ['bytes above 0x7f and NUL are ordinary', 'k\xff\x00v', ['k\xff\x00v']],
    ['double-quoted argument with blanks', 'SET k "hello world"', ['SET', 'k', 'hello world']],
    ['empty double-quoted argument', '""', ['']],
    ['empty single-quoted argument', "''", ['']],
    ['escapes in double quotes', '"\\n\\r\\t\\b\\a\\\\\\""', ['\n\r\t\b\x07\\"']],
    ['\\xHH in double quotes, either case', '"\\x41\\x7a\\xFf\\x00"', ['Azÿ\x00']],
    ['\\x without two hex digits is x', '"\\x4g"', ['x4g']],
    ['\\x at the end of the quotes is x', '"\\x4"', ['x4']],
    ['unknown escape stands for the character', '"\\q"', ['q']],
    ['single quotes keep backslashes except before a quote', "'a\\nb\\'c'", ["a\\nb'c"]],
    ['quotes may open mid-argument', 'a"b c"', ['ab c']],
    ['single quotes may open mid-argument', "x'y z'", ['xy z']],
    ['closing quote then blank then more', '"a" b', ['a', 'b']],
    ['closing quote then tab', '"a"\tb', ['a', 'b']],
    ['closing quote then vertical tab (C isspace)', '"a"\x0bb', ['a', 'b']],
    ['a quote inside the other kind is literal', `"it's" 'say "hi"'`, ["it's", 'say "hi"']],
    ['unclosed double quote', '"abc', null],
    ['unclosed single quote', "'abc", null],
    ['closing double quote followed by a letter', '"a"b', null],
    ['closing single quote followed by a letter', "'a'b", null],
    ['escaped closing quote leaves the quote open', '"abc\\"', null],
    ['backslash as the last byte inside quotes', '"abc\\', null],
    ['single-quoted backslash before the closing quote escapes it', "'abc\\'", null],
  ])('%s', (_name, line, expected) => {
    expect(split(line)).toEqual(expected);
  });

  test('honours start and end', () => {
    const line = Buffer.from('xxGET a bxx');
    expect(splitInlineArgs(line, 2, line.length - 2)?.map(String)).toEqual(['GET', 'a', 'b']);
  });

  test('arguments do not share memory with the line', () => {
    const line = Buffer.from('SET key value');
    const args = splitInlineArgs(line) ?? [];
    line.fill(0x21);
    expect(args.map(String)).toEqual(['SET', 'key', 'value']);
  });

  test('words without quotes or backslashes split like whitespace splitting', () => {
    const word = fc.stringMatching(/^[a-zA-Z0-9:_.-]{1,12}$/);
    const blanks = fc.stringMatching(/^[ \t]{1,3}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(word, blanks), { maxLength: 8 }), (pairs) => {
        const line = pairs.map(([w, b]) => w + b).join('');
        expect(split(line)).toEqual(pairs.map(([w]) => w));
      }),
    );
  });

  test('any byte survives a round trip through double quotes and \\xHH', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 16 }), { maxLength: 6 }), (values) => {
        const line = values.map((value) => `"${Array.from(value, (b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}"`).join(' ');
        const args = splitInlineArgs(Buffer.from(line, 'latin1'));
        expect(args?.map((arg) => [...arg])).toEqual(values.map((value) => [...value]));
      }),
    );
  });
});
