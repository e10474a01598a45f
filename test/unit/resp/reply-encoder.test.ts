/** encodeReply byte for byte, for every Reply kind in RESP2 and RESP3, and formatDouble. */
import { encodeReply, formatDouble, ReplyWriter, type ProtocolVersion } from '../../../src/resp/reply-encoder';
import { array, bulk, error, integer, map, simple, NULL, NULL_ARRAY, OK, type Reply } from '../../../src/resp/reply';

function encode(reply: Reply, protocol: ProtocolVersion): string {
  const writer = new ReplyWriter();
  encodeReply(reply, protocol, writer);
  const expectedLength = writer.byteLength;
  const bytes = writer.take();
  expect(bytes.length).toBe(expectedLength);
  return bytes.toString('latin1');
}

/** The expected wire bytes of UTF-8 text, as latin1, to compare with encode(). */
function wire(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

const set = (items: Reply[]): Reply => ({ kind: 'set', items });
const double = (value: number): Reply => ({ kind: 'double', value });
const boolean = (value: boolean): Reply => ({ kind: 'boolean', value });
const verbatim = (format: string, value: string): Reply => ({ kind: 'verbatim', format, value });

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

describe('encodeReply', () => {
  test.each<[string, Reply, string, string]>([
    // name, reply, RESP2, RESP3
    ['simple string', OK, '+OK\r\n', '+OK\r\n'],
    ['simple string with line breaks', simple('a\rb\nc\r\n'), '+a b c  \r\n', '+a b c  \r\n'],
    ['simple string, UTF-8', simple('café'), wire('+café\r\n'), wire('+café\r\n')],
    ['error', error('ERR syntax error'), '-ERR syntax error\r\n', '-ERR syntax error\r\n'],
    ['error with line breaks', error('ERR bad\r\nthing'), '-ERR bad  thing\r\n', '-ERR bad  thing\r\n'],
    ['integer', integer(42), ':42\r\n', ':42\r\n'],
    ['negative integer', integer(-7), ':-7\r\n', ':-7\r\n'],
    ['negative zero', integer(-0), ':0\r\n', ':0\r\n'],
    ['integer above 2^53 given as a number', integer(2 ** 60), ':1152921504606846976\r\n', ':1152921504606846976\r\n'],
    ['bigint int64 max', integer(INT64_MAX), ':9223372036854775807\r\n', ':9223372036854775807\r\n'],
    ['bigint int64 min', integer(INT64_MIN), ':-9223372036854775808\r\n', ':-9223372036854775808\r\n'],
    ['bigint above int64', integer(INT64_MAX + 1n), '$19\r\n9223372036854775808\r\n', '(9223372036854775808\r\n'],
    ['bigint below int64', integer(INT64_MIN - 1n), '$20\r\n-9223372036854775809\r\n', '(-9223372036854775809\r\n'],
    ['number above int64', integer(1e30), '$31\r\n1000000000000000019884624838656\r\n', '(1000000000000000019884624838656\r\n'],
    ['fractional integer', integer(1.5), '-ERR internal error: integer reply 1.5 is not an integer\r\n', '-ERR internal error: integer reply 1.5 is not an integer\r\n'],
    ['NaN integer', integer(NaN), '-ERR internal error: integer reply NaN is not an integer\r\n', '-ERR internal error: integer reply NaN is not an integer\r\n'],
    ['bulk Buffer', bulk(Buffer.from('abc')), '$3\r\nabc\r\n', '$3\r\nabc\r\n'],
    ['binary bulk with CRLF inside', bulk(Buffer.from([0, 13, 10, 255])), '$4\r\n\x00\r\n\xff\r\n', '$4\r\n\x00\r\n\xff\r\n'],
    ['empty bulk', bulk(Buffer.alloc(0)), '$0\r\n\r\n', '$0\r\n\r\n'],
    ['bulk ASCII string', bulk('hello'), '$5\r\nhello\r\n', '$5\r\nhello\r\n'],
    ['bulk UTF-8 string counts bytes', bulk('héllo €'), wire('$10\r\nhéllo €\r\n'), wire('$10\r\nhéllo €\r\n')],
    ['null', NULL, '$-1\r\n', '_\r\n'],
    ['null array', NULL_ARRAY, '*-1\r\n', '_\r\n'],
    ['empty array', array([]), '*0\r\n', '*0\r\n'],
    ['array', array([integer(1), bulk('a'), NULL]), '*3\r\n:1\r\n$1\r\na\r\n$-1\r\n', '*3\r\n:1\r\n$1\r\na\r\n_\r\n'],
    ['nested array', array([array([OK]), array([])]), '*2\r\n*1\r\n+OK\r\n*0\r\n', '*2\r\n*1\r\n+OK\r\n*0\r\n'],
    ['map', map([[bulk('a'), integer(1)], [bulk('b'), NULL]]), '*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$-1\r\n', '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n'],
    ['empty map', map([]), '*0\r\n', '%0\r\n'],
    ['set', set([bulk('x'), bulk('y')]), '*2\r\n$1\r\nx\r\n$1\r\ny\r\n', '~2\r\n$1\r\nx\r\n$1\r\ny\r\n'],
    ['double', double(1.5), '$3\r\n1.5\r\n', ',1.5\r\n'],
    ['integral double', double(3), '$1\r\n3\r\n', ',3\r\n'],
    ['infinite double', double(-Infinity), '$4\r\n-inf\r\n', ',-inf\r\n'],
    ['NaN double', double(NaN), '$3\r\nnan\r\n', ',nan\r\n'],
    ['true', boolean(true), ':1\r\n', '#t\r\n'],
    ['false', boolean(false), ':0\r\n', '#f\r\n'],
    ['verbatim text', verbatim('txt', 'héllo'), wire('$6\r\nhéllo\r\n'), wire('=10\r\ntxt:héllo\r\n')],
    ['verbatim markdown', verbatim('mkd', '# x'), '$3\r\n# x\r\n', '=7\r\nmkd:# x\r\n'],
    ['verbatim with a bad format', verbatim('text', 'x'), '$1\r\nx\r\n', "-ERR internal error: verbatim format 'text' is not 3 characters\r\n"],
    ['an error inside an array keeps the framing', array([integer(0.5), OK]), '*2\r\n-ERR internal error: integer reply 0.5 is not an integer\r\n+OK\r\n', '*2\r\n-ERR internal error: integer reply 0.5 is not an integer\r\n+OK\r\n'],
  ])('%s', (_name, reply, resp2, resp3) => {
    expect(encode(reply, 2)).toBe(resp2);
    expect(encode(reply, 3)).toBe(resp3);
  });

  test('a large Buffer is emitted intact between small replies', () => {
    const large = Buffer.alloc(100 * 1024, 0x78);
    large[0] = 0;
    large[large.length - 1] = 0xff;
    const writer = new ReplyWriter();
    encodeReply(OK, 2, writer);
    encodeReply(bulk(large), 2, writer);
    encodeReply(integer(1), 2, writer);
    const bytes = writer.take();
    const expected = Buffer.concat([Buffer.from(`+OK\r\n$${large.length}\r\n`), large, Buffer.from('\r\n:1\r\n')]);
    expect(bytes.equals(expected)).toBe(true);
  });
});

describe('formatDouble (Redis 7.2+ d2string)', () => {
  test.each<[number, string]>([
    [0, '0'],
    [-0, '-0'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
    [3, '3'],
    [-42, '-42'],
    [1.5, '1.5'],
    [-2.5, '-2.5'],
    [0.1, '0.1'],
    [100.5, '100.5'],
    [123456.789, '123456.789'],
    [0.0005, '0.0005'],
    [1e-6, '0.000001'],
    [1e-7, '1e-7'],
    [1.2345e-5, '1.2345e-5'],
    [1.2345e-7, '1.2345e-7'],
    [0.0010000001, '0.0010000001'],
    [123.4567891, '123.4567891'],
    [2 ** 62, '4611686018427387904'],
    [2 ** 63, '9223372036854776000'],
    [1e19, '1e+19'],
    [1e22, '1e+22'],
    [1.5e300, '1.5e+300'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [Number.MIN_VALUE, '5e-324'],
    [-1.2345e-7, '-1.2345e-7'],
  ])('%p → %s', (value, text) => {
    expect(formatDouble(value)).toBe(text);
  });

  test('always reads back as the same double', () => {
    const samples = [Math.PI, Math.E, 1 / 3, 2 / 3, 1e-300, 7.1e-10, 123e45, -9.87654321e-12, 0.1 + 0.2];
    for (const value of samples) expect(Number(formatDouble(value))).toBe(value);
  });
});
