/** Where the block engine's branch ops go: the ips a branch at `ip` may continue at besides the next op. */
import { Op } from './engine.js';

/** Which word of a branch op holds its target. */
const TARGET_WORD: Partial<Record<Op, number>> = {
  [Op.Jump]: 1,
  [Op.JumpRebase]: 1,
  [Op.BrNez]: 2,
  [Op.BrEqz]: 2,
  [Op.AddIBrNez]: 4,
  [Op.AddIBrNeI]: 5,
};
for (const op of [Op.BrEq, Op.BrNe, Op.BrLtS, Op.BrLtU, Op.BrGtS, Op.BrGtU, Op.BrLeS, Op.BrLeU, Op.BrGeS, Op.BrGeU]) TARGET_WORD[op] = 3;
for (const op of [Op.BrEqI, Op.BrNeI, Op.BrLtSI, Op.BrLtUI, Op.BrGtSI, Op.BrGtUI, Op.BrLeSI, Op.BrLeUI, Op.BrGeSI, Op.BrGeUI]) TARGET_WORD[op] = 3;

/** The targets of the branch op at `ip` (a br_table's every entry); none for other ops. */
export function branchTargets(code: Int32Array, ip: number): number[] {
  const op = code[ip]! as Op;
  if (op === Op.BrTable) return Array.from(code.subarray(ip + 3, ip + 3 + code[ip + 2]!));
  const word = TARGET_WORD[op];
  return word === undefined ? [] : [code[ip + word]!];
}
