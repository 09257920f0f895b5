/**
 * The wallet model (pure): which of the treasury's token transfers move money in or out of the
 * fund and which only move it between the wallet and its pool positions.
 *
 *   treasury wallet  one address (TREASURY_ADDRESS); its approved-token balances are "unallocated"
 *   positions        pool receipt-token balances (a token minted to the wallet from 0x0 in the same
 *                    transaction in which the wallet sent an approved token to a contract P makes it
 *                    the receipt of pool P; the registry's `receiptToken` or the operator's
 *                    params.poolContracts says so directly), valued 1:1 at the underlying's close;
 *                    for a registry pool contract without a receipt token: deposits minus
 *                    withdrawals (at cost, the gain shows when withdrawn)
 *   external flows   transfers between the wallet and an address that is neither a pool contract, a
 *                    known protocol contract, nor 0x0, in a transaction with no leg in the other
 *                    direction (a leg both ways is a swap/conversion: internal)
 *
 * Everything is keyed by lowercase address; symbols are for display and prices only.
 */

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

/** One ERC-20 transfer touching the wallet (from accountTransfers points). */
export interface LedgerTransfer {
  id: string;
  hash: string;
  /** ISO instant of the block. */
  time: string;
  from: string;
  to: string;
  contract: string;
  symbol: string;
  /** Token units (already divided by 10^decimals). */
  amount: number;
}

/** What the pool registry (or the operator) tells us about a pool's contracts. */
export interface PoolContract {
  poolId: string;
  /** The pool/vault contract deposits are sent to. */
  address?: string;
  /** The token the pool mints for a deposit (aToken, cToken, vault share). */
  receiptToken?: string;
  /** Approved symbol of the pool's (single) underlying token, for receipt tokens never seen minted. */
  underlying?: string;
}

/** params.poolContracts: the operator's pool uuid → contracts mapping (lib/params.ts). */
export type OperatorPoolContracts = Readonly<Record<string, { address?: string; receiptToken?: string }>>;

/**
 * The registry's pool contracts plus the operator's mapping. The operator's entries come last so that
 * they win in buildWalletModel's address/receipt lookups where both name the same contract; a pool in
 * both keeps the registry's fields the operator did not set. `underlyingOf` gives the approved symbol
 * of a mapped pool's single underlying token (from its registry entry), when known.
 */
export function withOperatorContracts(
  registry: ReadonlyArray<PoolContract>,
  mapping: OperatorPoolContracts,
  underlyingOf: (poolId: string) => string | undefined = () => undefined,
): PoolContract[] {
  const byId = new Map(registry.map((p) => [p.poolId, p]));
  const operator: PoolContract[] = [];
  for (const [poolId, m] of Object.entries(mapping).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!m.address && !m.receiptToken) continue;
    const reg = byId.get(poolId);
    byId.delete(poolId);
    operator.push({
      poolId,
      address: m.address ? lc(m.address) : reg?.address,
      receiptToken: m.receiptToken ? lc(m.receiptToken) : reg?.receiptToken,
      underlying: reg?.underlying ?? underlyingOf(poolId),
    });
  }
  return [...byId.values(), ...operator];
}

export interface ApprovedTokenRef {
  symbol: string;
  address: string | null;
}

export interface WalletModelInput {
  wallet: string;
  transfers: ReadonlyArray<LedgerTransfer>;
  approvedTokens: ReadonlyArray<ApprovedTokenRef>;
  pools?: ReadonlyArray<PoolContract>;
  /** Protocol contracts (routers, reward distributors) whose transfers are never external flows. */
  knownContracts?: ReadonlyArray<string>;
}

export interface ReceiptInfo {
  poolId: string;
  poolContract: string | null;
  /** Approved symbol the receipt is valued at. */
  underlying: string;
}

/**
 * How a leg changes the books:
 *   wallet    an approved token moves in the wallet (internal: swap, deposit/withdraw leg, mint/burn)
 *   receipt   a receipt token moves (position change)
 *   deposit / withdraw   an approved token to/from a receipt-less pool contract (position at cost)
 *   external  money entering/leaving the fund (wallet change AND a flow)
 *   unvalued  neither approved nor a receipt (airdrops, spam, ETH wrappers): kept out of NAV
 */
export type LegKind = 'wallet' | 'receipt' | 'deposit' | 'withdraw' | 'external' | 'unvalued';

export interface Leg {
  transfer: LedgerTransfer;
  /** +amount into the wallet, −amount out of it. */
  delta: number;
  counterparty: string;
  kind: LegKind;
  /** Approved symbol (wallet/deposit/withdraw/external) or the receipt's underlying. */
  symbol: string | null;
  /** Pool of a receipt/deposit/withdraw leg. */
  poolId?: string;
}

export interface WalletModel {
  legs: Leg[];
  receipts: Map<string, ReceiptInfo>;
  warnings: string[];
}

/** Pool id of a position whose contract the registry does not know: `contract:<address>`. */
export const UNMAPPED_POOL_PREFIX = 'contract:';

const lc = (s: string) => s.toLowerCase();

export function buildWalletModel(input: WalletModelInput): WalletModel {
  const me = lc(input.wallet);
  const approved = new Map<string, string>();
  for (const t of input.approvedTokens) if (t.address) approved.set(lc(t.address), t.symbol);
  const poolByAddress = new Map<string, PoolContract>();
  const poolByReceipt = new Map<string, PoolContract>();
  for (const p of input.pools ?? []) {
    if (p.address) poolByAddress.set(lc(p.address), p);
    if (p.receiptToken) poolByReceipt.set(lc(p.receiptToken), p);
  }
  const known = new Set((input.knownContracts ?? []).map(lc));
  const warnings: string[] = [];

  // Only legs of the wallet; a self-transfer changes nothing.
  const mine = input.transfers
    .map((t) => ({ ...t, from: lc(t.from), to: lc(t.to), contract: lc(t.contract) }))
    .filter((t) => (t.from === me) !== (t.to === me));
  const byHash = new Map<string, typeof mine>();
  for (const t of mine) byHash.set(t.hash, [...(byHash.get(t.hash) ?? []), t]);

  // Receipts: registry first, then mint/burn pairing inside one transaction.
  const receipts = new Map<string, ReceiptInfo>();
  for (const [token, p] of poolByReceipt) {
    if (p.underlying) receipts.set(token, { poolId: p.poolId, poolContract: p.address ? lc(p.address) : null, underlying: p.underlying });
  }
  for (const legs of byHash.values()) {
    for (const r of legs) {
      const minted = r.from === ZERO_ADDRESS && r.to === me;
      const burnt = r.to === ZERO_ADDRESS && r.from === me;
      if ((!minted && !burnt) || approved.has(r.contract) || receipts.has(r.contract)) continue;
      // The underlying leg goes the other way, to/from the pool contract.
      const u = legs.find((l) => approved.has(l.contract) && (minted ? l.from === me : l.to === me) && l.from !== ZERO_ADDRESS && l.to !== ZERO_ADDRESS);
      if (!u) continue;
      const poolContract = minted ? u.to : u.from;
      const reg = poolByReceipt.get(r.contract) ?? poolByAddress.get(poolContract);
      receipts.set(r.contract, { poolId: reg?.poolId ?? `${UNMAPPED_POOL_PREFIX}${poolContract}`, poolContract, underlying: approved.get(u.contract)! });
    }
  }
  const receiptPoolContracts = new Set([...receipts.values()].map((r) => r.poolContract).filter((c): c is string => !!c));

  const legs: Leg[] = [];
  for (const t of mine) {
    const incoming = t.to === me;
    const counterparty = incoming ? t.from : t.to;
    const base = { transfer: t, delta: incoming ? t.amount : -t.amount, counterparty };
    const receipt = receipts.get(t.contract);
    if (receipt) {
      legs.push({ ...base, kind: 'receipt', symbol: receipt.underlying, poolId: receipt.poolId });
      continue;
    }
    const symbol = approved.get(t.contract);
    if (!symbol) {
      legs.push({ ...base, kind: 'unvalued', symbol: null });
      continue;
    }
    const pool = poolByAddress.get(counterparty);
    if (pool && !pool.receiptToken && !receiptPoolContracts.has(counterparty)) {
      legs.push({ ...base, kind: incoming ? 'withdraw' : 'deposit', symbol, poolId: pool.poolId });
      continue;
    }
    const sameTx = byHash.get(t.hash) ?? [];
    const bothWays = sameTx.some((l) => l.to === me) && sameTx.some((l) => l.from === me);
    const internal = counterparty === ZERO_ADDRESS || known.has(counterparty) || poolByAddress.has(counterparty) || receiptPoolContracts.has(counterparty) || bothWays;
    legs.push({ ...base, kind: internal ? 'wallet' : 'external', symbol });
  }
  legs.sort((a, b) => (a.transfer.time < b.transfer.time ? -1 : a.transfer.time > b.transfer.time ? 1 : a.transfer.id < b.transfer.id ? -1 : 1));
  return { legs, receipts, warnings };
}

/** Net units per token contract over every transfer given (to reconcile with a balance snapshot). */
export function netUnitsByContract(transfers: ReadonlyArray<LedgerTransfer>, wallet: string): Map<string, number> {
  const me = lc(wallet);
  const out = new Map<string, number>();
  for (const t of transfers) {
    const [from, to, c] = [lc(t.from), lc(t.to), lc(t.contract)];
    if ((from === me) === (to === me)) continue;
    out.set(c, (out.get(c) ?? 0) + (to === me ? t.amount : -t.amount));
  }
  return out;
}
