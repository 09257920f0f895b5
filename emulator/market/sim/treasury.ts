/**
 * The treasury wallet: a deterministic day-by-day story from a fixed genesis date — external inflows of
 * USDC/USDT/DAI, deposits into approved Ethereum stablecoin pools (receipt tokens minted to the wallet),
 * withdrawals (receipt burnt, underlying returned with accrued yield), occasional outflows, ETH top-ups
 * for gas. Events of day t depend only on the seed and days ≤ t.
 */
import { DEFAULT_APPROVED_PROTOCOLS } from '../../../functions/src/lib/params';
import { dayIndex, dayStartSec } from './dates';
import type { GasModel } from './gas';
import { poolDay } from './pool-series';
import { hashInts, hashString, Rng } from './prng';
import type { SimToken } from './tokens';
import type { TokenTransfer, Treasury } from './types';
import type { PoolDef, Universe } from './universe';

const GENESIS = dayIndex('2023-01-02');
const MERGE_BLOCK = 15_537_394;
const MERGE_TS = 1_663_224_179;
const ZERO = '0x0000000000000000000000000000000000000000';
const APPROVED = new Set(DEFAULT_APPROVED_PROTOCOLS);
const HELD = ['USDC', 'USDT', 'DAI'];

export function blockAt(ts: number): number {
  return MERGE_BLOCK + Math.floor((ts - MERGE_TS) / 12);
}

interface Position {
  pool: PoolDef;
  token: SimToken;
  receipt: { address: string; symbol: string; name: string };
  raw: bigint;
  since: number;
}

interface NormalTx {
  ts: number;
  hash: string;
  nonce: number;
  from: string;
  to: string;
  valueWei: bigint;
  gas: number;
  gasUsed: number;
  gasPriceWei: bigint;
  functionName: string;
  input: string;
}

interface TransferRec {
  ts: number;
  hash: string;
  nonce: number;
  from: string;
  to: string;
  contract: string;
  raw: bigint;
  name: string;
  symbol: string;
  decimals: number;
  gas: number;
  gasUsed: number;
  gasPriceWei: bigint;
}

const hexOf = (r: Rng, n: number): string => '0x' + r.hex(n);
const units = (usd: number, decimals: number): bigint => BigInt(Math.round(usd)) * 10n ** BigInt(decimals);

export class SimTreasury implements Treasury {
  readonly address: string;
  private day: number = GENESIS - 1;
  private nonce = 0;
  private readonly balances = new Map<string, bigint>();
  private readonly positions: Position[] = [];
  /** Every pool ever deposited into, with its contracts (what an operator would map by hand). */
  private readonly everHeld = new Map<string, { day: number; address: string; receiptToken: string }>();
  private readonly txs: NormalTx[] = [];
  private readonly xfers: TransferRec[] = [];
  private readonly byToken: Map<string, SimToken>;

  constructor(
    private readonly seedKey: number,
    private readonly universe: Universe,
    tokens: SimToken[],
    private readonly gas: GasModel,
  ) {
    this.address = '0x' + new Rng(hashInts(seedKey, hashString('treasury'))).hex(40);
    this.byToken = new Map(tokens.map((t) => [t.symbol, t]));
  }

  private advance(to: number): void {
    while (this.day < to) this.step(++this.day);
  }

  private gasPrice(ts: number, r: Rng): bigint {
    const g = this.gas.hour(Math.floor(ts / 3600));
    return BigInt(Math.round((g.baseFee + 0.05 + r.next()) * 1e9));
  }

  private send(r: Rng, ts: number, to: string, fn: string, valueWei = 0n): NormalTx {
    const gas = fn ? 250_000 : 21_000;
    const tx: NormalTx = {
      ts, hash: hexOf(r, 64), nonce: this.nonce++, from: this.address, to, valueWei, gas,
      gasUsed: fn ? 120_000 + r.int(0, 80_000) : 21_000, gasPriceWei: this.gasPrice(ts, r), functionName: fn,
      input: fn ? '0x' + r.hex(8) + r.hex(128) : '0x',
    };
    this.txs.push(tx);
    this.credit('ETH', -(BigInt(tx.gasUsed) * tx.gasPriceWei) - valueWei);
    return tx;
  }

  private credit(contract: string, delta: bigint): void {
    const k = contract.toLowerCase();
    this.balances.set(k, (this.balances.get(k) ?? 0n) + delta);
  }

  private transfer(tx: { ts: number; hash: string; nonce: number; gas: number; gasUsed: number; gasPriceWei: bigint }, from: string, to: string,
    token: { address: string; name: string; symbol: string; decimals: number }, raw: bigint): void {
    this.xfers.push({ ...tx, from, to, contract: token.address, raw, name: token.name, symbol: token.symbol, decimals: token.decimals });
    if (to === this.address) this.credit(token.address, raw);
    if (from === this.address) this.credit(token.address, -raw);
  }

  private external(r: Rng, ts: number): { ts: number; hash: string; nonce: number; gas: number; gasUsed: number; gasPriceWei: bigint } {
    return { ts, hash: hexOf(r, 64), nonce: r.int(0, 5000), gas: 90_000, gasUsed: 52_000 + r.int(0, 10_000), gasPriceWei: this.gasPrice(ts, r) };
  }

  private erc(t: SimToken): { address: string; name: string; symbol: string; decimals: number } {
    return { address: t.address!, name: t.name, symbol: t.symbol, decimals: t.decimals };
  }

  private step(day: number): void {
    const r = new Rng(hashInts(this.seedKey, 0x7ea5, day));
    let ts = dayStartSec(day) + 3600 * 8 + r.int(0, 3600);
    const next = (): number => (ts += 600 + r.int(0, 3600));
    const funder = '0x' + new Rng(hashInts(this.seedKey, 0xf00d)).hex(40);
    if (day === GENESIS) {
      const tx = { ts: next(), hash: hexOf(r, 64), nonce: r.int(0, 500), from: funder, to: this.address, valueWei: 5n * 10n ** 18n,
        gas: 21_000, gasUsed: 21_000, gasPriceWei: this.gasPrice(ts, r), functionName: '', input: '0x' };
      this.txs.push(tx);
      this.credit('ETH', tx.valueWei);
      for (const [sym, usd] of [['USDC', 5_000_000], ['USDT', 3_000_000], ['DAI', 2_000_000]] as const) {
        const t = this.byToken.get(sym)!;
        this.transfer(this.external(r, next()), funder, this.address, this.erc(t), units(usd, t.decimals));
      }
    }
    // Forced exits: a pool about to disappear is withdrawn from.
    for (const pos of [...this.positions]) if (pos.pool.death - day <= 3) this.withdraw(r, next(), pos);
    if (r.chance(0.035)) {
      const t = this.byToken.get(r.pick(HELD))!;
      this.transfer(this.external(r, next()), funder, this.address, this.erc(t), units(100_000 + r.int(0, 1_900_000), t.decimals));
    }
    if (r.chance(0.01)) {
      const t = this.byToken.get(r.pick(HELD))!;
      const bal = this.balances.get(t.address!.toLowerCase()) ?? 0n;
      if (bal > 0n) {
        const raw = (bal * BigInt(5 + r.int(0, 6))) / 100n;
        const tx = this.send(r, next(), t.address!, 'transfer(address _to, uint256 _value)');
        this.transfer(tx, this.address, funder, this.erc(t), raw);
      }
    }
    if (r.chance(0.08)) {
      const t = this.byToken.get(r.pick(HELD))!;
      const bal = this.balances.get(t.address!.toLowerCase()) ?? 0n;
      const min = units(50_000, t.decimals);
      if (bal > min && this.positions.length < 8 && r.chance(0.65)) this.deposit(r, next(), day, t, (bal * BigInt(30 + r.int(0, 50))) / 100n);
      else if (this.positions.length > 0) this.withdraw(r, next(), this.positions[r.int(0, this.positions.length)]);
    }
    const eth = this.balances.get('eth') ?? 0n;
    if (eth < 5n * 10n ** 17n) {
      const tx = { ts: next(), hash: hexOf(r, 64), nonce: r.int(0, 500), from: funder, to: this.address, valueWei: 2n * 10n ** 18n,
        gas: 21_000, gasUsed: 21_000, gasPriceWei: this.gasPrice(ts, r), functionName: '', input: '0x' };
      this.txs.push(tx);
      this.credit('ETH', tx.valueWei);
    }
  }

  private deposit(r: Rng, ts: number, day: number, t: SimToken, raw: bigint): void {
    const addr = t.address!.toLowerCase();
    const pools = this.universe.findAlive(day, (chain, cat) => chain === 'Ethereum' && (cat === 'lending' || cat === 'yield'),
      (p) => APPROVED.has(p.project) && p.tokens.length === 1 && p.tokens[0].symbol === t.symbol && p.death > day + 30
        && (p.underlyingTokens ?? []).some((u) => u.toLowerCase() === addr), 3, day);
    if (pools.length === 0) return;
    const pool = pools[r.int(0, pools.length)];
    let pos = this.positions.find((p) => p.pool.id === pool.id);
    if (!pos) {
      const rr = new Rng(hashString('receipt:' + pool.id));
      const symbol = (pool.project.startsWith('aave') ? 'aEth' : pool.project.startsWith('compound') ? 'c' : pool.project.split('-')[0] + '-') + t.symbol;
      pos = { pool, token: t, receipt: { address: '0x' + rr.hex(40), symbol, name: `${pool.project} ${t.symbol} receipt` }, raw: 0n, since: day };
      this.positions.push(pos);
      if (!this.everHeld.has(pool.id)) this.everHeld.set(pool.id, { day, address: poolContract(pool), receiptToken: pos.receipt.address });
    }
    const poolAddr = poolContract(pool);
    const tx = this.send(r, ts, poolAddr, 'deposit(uint256 assets, address receiver)');
    this.transfer(tx, this.address, poolAddr, this.erc(t), raw);
    this.transfer(tx, ZERO, this.address, { ...pos.receipt, decimals: t.decimals }, raw);
    pos.raw += raw;
  }

  private withdraw(r: Rng, ts: number, pos: Position): void {
    const day = Math.floor(ts / 86_400);
    const apy = poolDay(pos.pool, Math.min(day, pos.pool.death - 1))?.apy ?? 0;
    // Underlying returned = shares × (1 + simple yield since the first deposit); a rough accrual.
    const growth = 1 + (Math.min(apy, 50) / 100) * ((day - pos.since) / 365);
    const out = (pos.raw * BigInt(Math.round(growth * 1e6))) / 1_000_000n;
    const poolAddr = poolContract(pos.pool);
    const tx = this.send(r, ts, poolAddr, 'withdraw(uint256 assets, address receiver, address owner)');
    this.transfer(tx, this.address, ZERO, { ...pos.receipt, decimals: pos.token.decimals }, pos.raw);
    this.transfer(tx, poolAddr, this.address, this.erc(pos.token), out);
    this.positions.splice(this.positions.indexOf(pos), 1);
  }

  private until(date: string): number {
    const d = dayIndex(date);
    this.advance(d);
    return dayStartSec(d + 1);
  }

  ethBalanceWei(date: string): string {
    const end = this.until(date);
    let wei = 0n;
    for (const tx of this.txs) {
      if (tx.ts >= end) break;
      if (tx.to === this.address) wei += tx.valueWei;
      if (tx.from === this.address) wei -= tx.valueWei + BigInt(tx.gasUsed) * tx.gasPriceWei;
    }
    return wei.toString();
  }

  tokenBalanceRaw(contract: string, date: string): string {
    const end = this.until(date);
    const c = contract.toLowerCase();
    let raw = 0n;
    for (const x of this.xfers) {
      if (x.ts >= end) break;
      if (x.contract.toLowerCase() !== c) continue;
      if (x.to === this.address) raw += x.raw;
      if (x.from === this.address) raw -= x.raw;
    }
    return raw.toString();
  }

  /** Pool uuid → {address, receiptToken} of every pool the wallet deposited into up to `upTo`. */
  poolContracts(upTo: string): Record<string, { address: string; receiptToken: string }> {
    const end = dayIndex(upTo);
    this.advance(end);
    const out: Record<string, { address: string; receiptToken: string }> = {};
    for (const [id, c] of [...this.everHeld].sort(([a], [b]) => (a < b ? -1 : 1))) if (c.day <= end) out[id] = { address: c.address, receiptToken: c.receiptToken };
    return out;
  }

  transfers(upTo: string): TokenTransfer[] {
    const end = this.until(upTo);
    const head = blockAt(end);
    return this.xfers.filter((x) => x.ts < end).map((x, i) => {
      const block = blockAt(x.ts);
      return {
        blockNumber: String(block), timeStamp: String(x.ts), hash: x.hash, nonce: String(x.nonce),
        blockHash: '0x' + new Rng(hashInts(block, 0xb10c)).hex(64), from: x.from, contractAddress: x.contract.toLowerCase(),
        to: x.to, value: x.raw.toString(), tokenName: x.name, tokenSymbol: x.symbol, tokenDecimal: String(x.decimals),
        transactionIndex: String((i * 7) % 180), gas: String(x.gas), gasPrice: x.gasPriceWei.toString(), gasUsed: String(x.gasUsed),
        cumulativeGasUsed: String(x.gasUsed * 40), input: 'deprecated', confirmations: String(head - block),
      };
    });
  }

  normalTxs(upTo: string): Record<string, string>[] {
    const end = this.until(upTo);
    const head = blockAt(end);
    return this.txs.filter((x) => x.ts < end).map((x, i) => {
      const block = blockAt(x.ts);
      return {
        blockNumber: String(block), blockHash: '0x' + new Rng(hashInts(block, 0xb10c)).hex(64), timeStamp: String(x.ts), hash: x.hash,
        nonce: String(x.nonce), transactionIndex: String((i * 11) % 180), from: x.from, to: x.to, value: x.valueWei.toString(),
        gas: String(x.gas), gasPrice: x.gasPriceWei.toString(), input: x.input, methodId: x.input.slice(0, 10),
        functionName: x.functionName, contractAddress: '', cumulativeGasUsed: String(x.gasUsed * 40), txreceipt_status: '1',
        gasUsed: String(x.gasUsed), confirmations: String(head - block), isError: '0',
      };
    });
  }
}

/** The pool's (synthetic) contract address on Ethereum. */
export function poolContract(p: PoolDef): string {
  return '0x' + new Rng(hashString('pool-contract:' + p.id)).hex(40);
}
