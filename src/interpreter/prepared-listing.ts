/** A readable listing of the block engine's prepared code: `ip  pc  Op operands`. */
import { OP_WORDS, Op } from './engine.js';
import type { PreparedCode } from './prepared-code.js';

/** Words the op at `ip` takes (BrTable carries its targets). */
export function opWords(code: Int32Array, ip: number): number {
  return code[ip] === Op.BrTable ? 3 + code[ip + 2]! : OP_WORDS[code[ip]!]!;
}

export function listPreparedCode(prepared: PreparedCode): string {
  const { code, pcOfIp, size } = prepared;
  const lines: string[] = [];
  for (let ip = 0; ip < size; ) {
    if (pcOfIp[ip]! < 0) {
      lines.push(`${String(ip).padStart(6)}        (range check ${code[ip]}, ${code[ip + 1]})`);
      ip += 2;
      continue;
    }
    const words = opWords(code, ip);
    const operands = Array.from(code.subarray(ip + 1, ip + words)).join(' ');
    lines.push(`${String(ip).padStart(6)} ${String(pcOfIp[ip]).padStart(6)} ${Op[code[ip]!]} ${operands}`);
    ip += words;
  }
  return lines.join('\n');
}
