/** Redis's wording: ERR unknown command 'foo', with args beginning with: 'a' 'b' */
const QUOTED_BYTES_MAX = 128;

export function unknownCommandMessage(args: readonly Buffer[]): string {
  const quote = (arg: Buffer) => `'${sanitize(arg.toString('latin1').slice(0, QUOTED_BYTES_MAX))}'`;
  const rest = args.slice(1).map((arg) => `${quote(arg)} `).join('');
  return `ERR unknown command ${quote(args[0])}, with args beginning with: ${rest}`;
}

/** An error line must not break RESP framing. */
function sanitize(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}
