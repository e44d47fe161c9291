/**
 * The state a Fluent host keeps for EVM frames: accounts (balance, nonce, code, storage),
 * transient storage, logs, EIP-2929 warm sets and each slot's value at the start of the
 * transaction, with a journal so a frame's changes can be kept or reverted as a whole
 * (`checkpoint` / `commit` / `revert`, nested as frames nest).
 */
import { RwasmError } from '../errors.js';
import { checkAddress } from './bytes.js';

export interface AccountState {
  balance: bigint;
  nonce: bigint;
  code: Uint8Array;
  /** Slot → value (U256s); absent slots are 0. */
  readonly storage: Map<bigint, bigint>;
}

export interface WorldLog {
  readonly address: Uint8Array;
  readonly topics: readonly Uint8Array[];
  readonly data: Uint8Array;
}

/** A hex key for an address (lower case, no 0x). */
const key = (address: Uint8Array) => {
  checkAddress(address, 'address');
  let out = '';
  for (const b of address) out += b.toString(16).padStart(2, '0');
  return out;
};
const slotKey = (address: Uint8Array, slot: bigint) => `${key(address)}:${slot.toString(16)}`;

type Undo = () => void;

export class World {
  private readonly accounts = new Map<string, AccountState>();
  private readonly transient = new Map<string, bigint>();
  private readonly originals = new Map<string, bigint>();
  private readonly warmAccounts = new Set<string>();
  private readonly warmSlots = new Set<string>();
  private readonly logList: WorldLog[] = [];
  private readonly createdNow = new Set<string>();
  private readonly destroyed = new Set<string>();
  private readonly journal: Undo[] = [];
  private readonly checkpoints: number[] = [];

  /** The account at `address` (undefined: never touched, i.e. empty). */
  account(address: Uint8Array): Readonly<AccountState> | undefined {
    return this.accounts.get(key(address));
  }

  /** Every account touched so far, by address hex. */
  allAccounts(): ReadonlyMap<string, Readonly<AccountState>> {
    return this.accounts;
  }

  private touch(address: Uint8Array): AccountState {
    const k = key(address);
    let account = this.accounts.get(k);
    if (!account) {
      account = { balance: 0n, nonce: 0n, code: new Uint8Array(0), storage: new Map() };
      this.accounts.set(k, account);
      this.journal.push(() => this.accounts.delete(k));
    }
    return account;
  }

  setBalance(address: Uint8Array, balance: bigint): void {
    if (balance < 0n || balance >= 1n << 256n) throw new RwasmError('InvalidArgument', `balance ${balance} is not a U256`);
    const account = this.touch(address);
    const before = account.balance;
    account.balance = balance;
    this.journal.push(() => (account.balance = before));
  }

  setNonce(address: Uint8Array, nonce: bigint): void {
    if (nonce < 0n || nonce >= 1n << 64n) throw new RwasmError('InvalidArgument', `nonce ${nonce} is not a u64`);
    const account = this.touch(address);
    const before = account.nonce;
    account.nonce = nonce;
    this.journal.push(() => (account.nonce = before));
  }

  setCode(address: Uint8Array, code: Uint8Array): void {
    const account = this.touch(address);
    const before = account.code;
    account.code = code.slice();
    this.journal.push(() => (account.code = before));
  }

  /** Moves `value` wei; false (nothing moved) when `from` has less. */
  transfer(from: Uint8Array, to: Uint8Array, value: bigint): boolean {
    const balance = this.account(from)?.balance ?? 0n;
    if (value > balance) return false;
    if (value === 0n) {
      this.touch(to);
      return true;
    }
    this.setBalance(from, balance - value);
    this.setBalance(to, (this.account(to)?.balance ?? 0n) + value);
    return true;
  }

  /** Records that the account was created by this transaction (EIP-6780 lets only such accounts go). */
  markCreated(address: Uint8Array): void {
    this.journaledAdd(this.createdNow, key(address));
  }

  /**
   * SELFDESTRUCT under EIP-6780: the balance goes to `beneficiary`; an account created in this
   * transaction is also deleted when the transaction ends (its balance burnt when it names itself).
   */
  selfDestruct(address: Uint8Array, beneficiary: Uint8Array): void {
    const balance = this.account(address)?.balance ?? 0n;
    const self = key(address) === key(beneficiary);
    const createdNow = this.createdNow.has(key(address));
    if (!self) this.transfer(address, beneficiary, balance);
    else if (createdNow) this.setBalance(address, 0n);
    if (createdNow) this.journaledAdd(this.destroyed, key(address));
  }

  private journaledAdd(set: Set<string>, k: string): void {
    if (set.has(k)) return;
    set.add(k);
    this.journal.push(() => set.delete(k));
  }

  storage(address: Uint8Array, slot: bigint): bigint {
    return this.accounts.get(key(address))?.storage.get(slot) ?? 0n;
  }

  /** The slot's value when the transaction began (EIP-2200's "original"). */
  originalStorage(address: Uint8Array, slot: bigint): bigint {
    return this.originals.get(slotKey(address, slot)) ?? this.storage(address, slot);
  }

  setStorage(address: Uint8Array, slot: bigint, value: bigint): void {
    const sk = slotKey(address, slot);
    if (!this.originals.has(sk)) {
      this.originals.set(sk, this.storage(address, slot));
      // The original stays recorded for the transaction even when the write is reverted.
    }
    const account = this.touch(address);
    const had = account.storage.has(slot);
    const before = account.storage.get(slot);
    if (value === 0n) account.storage.delete(slot);
    else account.storage.set(slot, value);
    this.journal.push(() => (had ? account.storage.set(slot, before!) : account.storage.delete(slot)));
  }

  transientStorage(address: Uint8Array, slot: bigint): bigint {
    return this.transient.get(slotKey(address, slot)) ?? 0n;
  }

  setTransientStorage(address: Uint8Array, slot: bigint, value: bigint): void {
    const sk = slotKey(address, slot);
    const had = this.transient.has(sk);
    const before = this.transient.get(sk);
    this.transient.set(sk, value);
    this.journal.push(() => (had ? this.transient.set(sk, before!) : this.transient.delete(sk)));
  }

  log(entry: WorldLog): void {
    this.logList.push({ address: entry.address.slice(), topics: entry.topics.map((t) => t.slice()), data: entry.data.slice() });
    this.journal.push(() => this.logList.pop());
  }

  get logs(): readonly WorldLog[] {
    return this.logList;
  }

  /** Marks the account warm; answers whether it already was (EIP-2929). */
  warmAccount(address: Uint8Array): boolean {
    const k = key(address);
    if (this.warmAccounts.has(k)) return true;
    this.warmAccounts.add(k);
    this.journal.push(() => this.warmAccounts.delete(k));
    return false;
  }

  /** Marks the slot warm; answers whether it already was. */
  warmSlot(address: Uint8Array, slot: bigint): boolean {
    const sk = slotKey(address, slot);
    if (this.warmSlots.has(sk)) return true;
    this.warmSlots.add(sk);
    this.journal.push(() => this.warmSlots.delete(sk));
    return false;
  }

  /** Starts a frame's changes; returns its depth, for `commit` and `revert`. */
  checkpoint(): number {
    this.checkpoints.push(this.journal.length);
    return this.checkpoints.length;
  }

  /** Keeps the changes since checkpoint `depth` (they become part of the frame around it). */
  commit(depth: number): void {
    this.closeCheckpoint(depth);
  }

  /** Undoes everything since checkpoint `depth`: state, logs and warmth. */
  revert(depth: number): void {
    const start = this.closeCheckpoint(depth);
    while (this.journal.length > start) this.journal.pop()!();
  }

  private closeCheckpoint(depth: number): number {
    if (depth !== this.checkpoints.length || depth === 0) throw new RwasmError('InvalidState', `checkpoint ${depth} is not the innermost open one (${this.checkpoints.length} open)`);
    return this.checkpoints.pop()!;
  }

  /** Ends a transaction: transient storage, warm sets, originals and the journal start afresh (logs are the caller's to take first). */
  endTransaction(): void {
    if (this.checkpoints.length !== 0) throw new RwasmError('InvalidState', `${this.checkpoints.length} checkpoint(s) still open`);
    for (const k of this.destroyed) this.accounts.delete(k);
    this.destroyed.clear();
    this.createdNow.clear();
    this.transient.clear();
    this.originals.clear();
    this.warmAccounts.clear();
    this.warmSlots.clear();
    this.logList.length = 0;
    this.journal.length = 0;
  }
}
