/**
 * Etherscan V2 `module=account` (external-apis.md §3): `{status: "1"|"0", message, result}`. Errors
 * are HTTP 200 with status "0" and the text in `result`; "No transactions found" with `result: []`
 * is an empty history, not an error. Every field of a row is a string.
 */
import { z } from 'zod';

const digits = z.string().regex(/^\d+$/, 'expected a decimal integer string');
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected an address');
const addressOrEmpty = z.union([address, z.literal('')]);

export const TokenTransferSchema = z.looseObject({
  blockNumber: digits,
  timeStamp: digits,
  hash: z.string().min(1),
  from: address,
  to: addressOrEmpty,
  contractAddress: address,
  value: digits,
  tokenSymbol: z.string(),
  tokenDecimal: digits,
  logIndex: digits.optional(),
  transactionIndex: digits.optional(),
});
export type TokenTransferRow = z.infer<typeof TokenTransferSchema>;

export const NormalTxSchema = z.looseObject({
  blockNumber: digits,
  timeStamp: digits,
  hash: z.string().min(1),
  from: address,
  to: addressOrEmpty,
  value: digits,
  gasUsed: digits.optional(),
  gasPrice: digits.optional(),
  isError: z.string().optional(),
  functionName: z.string().optional(),
  transactionIndex: digits.optional(),
});
export type NormalTxRow = z.infer<typeof NormalTxSchema>;

const envelope = <T extends z.ZodType>(result: T) =>
  z.looseObject({ status: z.enum(['0', '1']), message: z.string(), result: z.union([result, z.string()]) });

export const TokenTxResponseSchema = envelope(z.array(TokenTransferSchema));
export const TxListResponseSchema = envelope(z.array(NormalTxSchema));
export const BalanceResponseSchema = envelope(digits);
export type EtherscanEnvelope<R> = { status: '0' | '1'; message: string; result: R | string };
