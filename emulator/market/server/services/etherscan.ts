/**
 * Etherscan API V2 (https://api.etherscan.io/v2/api): module=account (balance, balancemulti,
 * tokenbalance, txlist, tokentx) and module=gastracker (gasoracle). Errors are HTTP 200 with
 * `status:"0"`, `message:"NOTOK"` and the text in `result`, with the real wording; an empty history
 * is `{"status":"0","message":"No transactions found","result":[]}`, which is not an error. The
 * treasury lives on chainid 1; other supported chains answer with empty histories and zero balances.
 */
import type { EtherscanRow, ServiceRequest, ServiceResponse } from '../types';
import { blockAt } from './chain';
import { nowIso, type Handler, type HandlerContext } from './context';

const SUPPORTED_CHAINS = new Set(['1', '10', '56', '100', '137', '324', '8453', '42161', '43114', '59144', '534352', '11155111', '17000']);
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

const notOk = (result: string): ServiceResponse => ({ status: 200, body: { status: '0', message: 'NOTOK', result } });
const ok = (result: unknown, rows = false): ServiceResponse => ({ status: 200, body: { status: '1', message: 'OK', result }, rowsPath: rows ? ['result'] : undefined });

function history(req: ServiceRequest, ctx: HandlerContext, action: 'txlist' | 'tokentx'): ServiceResponse {
  const q = req.query;
  const address = q.get('address') ?? '';
  const contract = q.get('contractaddress');
  if (!address && !(action === 'tokentx' && contract)) return notOk('Error! Missing Or invalid Address');
  if (address && !ADDRESS.test(address)) return notOk('Error! Invalid address format');
  const page = Number(q.get('page') ?? 1);
  const offset = Number(q.get('offset') ?? 10000);
  if (!(Number.isInteger(page) && page >= 1 && Number.isInteger(offset) && offset >= 1)) return notOk('Error! Invalid page or offset');
  if (page * offset > 10000) return notOk('Result window is too large, PageNo x Offset size must be less than or equal to 10000');
  const startBlock = Number(q.get('startblock') ?? 0);
  const endBlock = Number(q.get('endblock') ?? 99999999999);
  const sort = q.get('sort') === 'desc' ? 'desc' : 'asc';

  const treasury = ctx.market.treasury();
  const onMainnet = q.get('chainid') === '1';
  const mine = (addr: string | null) => !!addr && addr.toLowerCase() === treasury.address.toLowerCase();
  let rows: EtherscanRow[] = [];
  if (onMainnet && (mine(address) || (!address && contract))) {
    const today = ctx.clock.today();
    const nowMs = Date.parse(nowIso(ctx.clock));
    const head = blockAt(nowMs);
    const source: EtherscanRow[] = action === 'tokentx' ? treasury.transfers(today).map((t) => ({ ...t })) : treasury.normalTxs(today);
    rows = source
      .filter((t) => Number(t.timeStamp) * 1000 <= nowMs)
      .filter((t) => !contract || (t.contractAddress ?? '').toLowerCase() === contract.toLowerCase())
      .filter((t) => Number(t.blockNumber) >= startBlock && Number(t.blockNumber) <= endBlock)
      // confirmations depend on "now", which the control API can move.
      .map((t) => ('confirmations' in t ? { ...t, confirmations: String(Math.max(0, head - Number(t.blockNumber))) } : t));
    rows.sort((a, b) => Number(a.blockNumber) - Number(b.blockNumber) || Number(a.transactionIndex ?? 0) - Number(b.transactionIndex ?? 0));
    if (sort === 'desc') rows.reverse();
    rows = rows.slice((page - 1) * offset, page * offset);
  }
  if (rows.length === 0) return { status: 200, body: { status: '0', message: 'No transactions found', result: [] }, rowsPath: ['result'] };
  return ok(rows, true);
}

const amount = (v: string | bigint | number) => (typeof v === 'number' ? BigInt(Math.round(v)).toString() : String(v));

function balance(req: ServiceRequest, ctx: HandlerContext, multi: boolean): ServiceResponse {
  const raw = req.query.get('address') ?? '';
  const addresses = multi ? raw.split(',').map((a) => a.trim()) : [raw];
  if (!raw || addresses.some((a) => !ADDRESS.test(a))) return notOk('Error! Invalid address format');
  if (multi && addresses.length > 20) return notOk('Error! Maximum of 20 addresses allowed');
  const treasury = ctx.market.treasury();
  const of = (a: string) =>
    req.query.get('chainid') === '1' && a.toLowerCase() === treasury.address.toLowerCase() ? amount(treasury.ethBalanceWei(ctx.clock.today())) : '0';
  return multi ? ok(addresses.map((a) => ({ account: a, balance: of(a) })), true) : ok(of(raw));
}

function tokenBalance(req: ServiceRequest, ctx: HandlerContext): ServiceResponse {
  const address = req.query.get('address') ?? '';
  const contract = req.query.get('contractaddress') ?? '';
  if (!ADDRESS.test(address)) return notOk('Error! Invalid address format');
  if (!ADDRESS.test(contract)) return notOk('Error! Invalid contract address format');
  const treasury = ctx.market.treasury();
  const mine = req.query.get('chainid') === '1' && address.toLowerCase() === treasury.address.toLowerCase();
  return ok(mine ? amount(treasury.tokenBalanceRaw(contract, ctx.clock.today())) : '0');
}

/** Gwei as Etherscan prints it: a decimal string, up to 9 decimals, no trailing zeros. */
const gweiString = (x: number) => String(Number(x.toFixed(9)));

function gasOracle(req: ServiceRequest, ctx: HandlerContext): ServiceResponse {
  // Only mainnet is simulated; the real oracle exists on a few L1s and not on Base, Arbitrum or Optimism.
  if (req.query.get('chainid') !== '1') return notOk('Error! Missing Or invalid Action name');
  const nowMs = Date.parse(nowIso(ctx.clock));
  const h = ctx.market
    .gasHourly(new Date(nowMs - 3 * 3_600_000).toISOString(), new Date(nowMs).toISOString())
    .filter((x) => Date.parse(x.period) <= nowMs)
    .sort((a, b) => Date.parse(b.period) - Date.parse(a.period))[0];
  if (!h) return notOk('Query Timeout occured');
  const tip = Math.max(0.000001, h.median - h.baseFee);
  const ratio = h.gasUsed / h.gasLimit;
  const ratios = [0.93, 1.07, 0.88, 1.12, 1].map((k) => String(Math.min(1, ratio * k)));
  return ok({
    LastBlock: String(blockAt(nowMs)),
    SafeGasPrice: gweiString(h.baseFee + tip * 0.1),
    ProposeGasPrice: gweiString(h.baseFee + tip * 0.5),
    FastGasPrice: gweiString(h.baseFee + tip),
    suggestBaseFee: gweiString(h.baseFee),
    gasUsedRatio: ratios.join(','),
  });
}

/** Path, chainid and key checks every call goes through (replay mode too), in Etherscan's wording. */
export function etherscanGuard(req: ServiceRequest, ctx: Pick<HandlerContext, 'etherscanApiKey'>): ServiceResponse | undefined {
  const q = req.query;
  if (req.path === '/api' || req.path === '/api/') {
    return notOk('You are using a deprecated V1 endpoint, switch to Etherscan API V2 using https://docs.etherscan.io/v2-migration');
  }
  if (req.path !== '/v2/api' && req.path !== '/v2/api/') return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, text: 'The resource you are looking for has been removed, had its name changed, or is temporarily unavailable.' };
  const chainid = q.get('chainid');
  if (!chainid) return notOk('Missing chainid parameter (required for v2 api)');
  if (!SUPPORTED_CHAINS.has(chainid)) {
    return notOk('Missing or unsupported chainid parameter (required for v2 api), please see https://api.etherscan.io/v2/chainlist for the list of supported chainids');
  }
  const key = q.get('apikey');
  if (!key) return notOk('Missing/Invalid API Key');
  if (key !== ctx.etherscanApiKey) return notOk('Invalid API Key');
  return undefined;
}

export const etherscan: Handler = (req, ctx) => {
  const denied = etherscanGuard(req, ctx);
  if (denied) return denied;
  const q = req.query;
  const module = q.get('module');
  const action = q.get('action');
  if (module === 'account') {
    switch (action) {
      case 'balance':
        return balance(req, ctx, false);
      case 'balancemulti':
        return balance(req, ctx, true);
      case 'tokenbalance':
        return tokenBalance(req, ctx);
      case 'txlist':
      case 'tokentx':
        return history(req, ctx, action);
    }
  } else if (module === 'gastracker' && action === 'gasoracle') return gasOracle(req, ctx);
  if (module !== 'account' && module !== 'gastracker') return notOk('Error! Missing Or invalid Module name');
  return notOk('Error! Missing Or invalid Action name');
};
