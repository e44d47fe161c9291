import { RwasmError } from '../../errors.js';

/** A malformed `.wast` script (or a literal in it). The message starts with `line N: `. */
export class WastSyntaxError extends RwasmError {
  /** 1-based line of the offending token or S-expression. */
  readonly line: number;
  /** The message without the `line N: ` prefix. */
  readonly reason: string;

  constructor(line: number, reason: string) {
    super('MalformedWastScript', `line ${line}: ${reason}`, { line, reason });
    this.name = 'WastSyntaxError';
    this.line = line;
    this.reason = reason;
  }
}
