import { StackmeterError } from '../shared/result.ts';

/**
 * Reads a line typed on the terminal without echoing it (a passphrase), the question on stderr so that --json output
 * stays clean. Enter ends it, Backspace erases, Ctrl-C or Ctrl-D cancels. Only for an interactive terminal.
 */
export function readHidden(question: string, input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stderr): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed = '';
    output.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const finish = (error: Error | null): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (error === null) resolve(typed);
      else reject(error);
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish(null);
        if (char === '\u0003' || char === '\u0004') {
          return finish(new StackmeterError('CANCELLED', 'Cancelled: no passphrase was given.'));
        }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else if (char >= ' ') typed += char;
      }
    };
    input.on('data', onData);
  });
}
