/**
 * Reference data for the pool universe: chains, and projects with the category and chains they live on.
 * Slugs are DefiLlama-style; approved ones come from the parameter defaults, the others are real or
 * plausible slugs so that the pre-filter has work to do (including the `morpho-blue` rename gotcha).
 */
export type Category = 'lending' | 'dex' | 'yield' | 'pendle' | 'lst';

/** Share of listed pools per chain (rough 2025 DefiLlama mix; the fixtures are DEX-only so not used here). */
export const CHAIN_WEIGHTS: [string, number][] = [
  ['Ethereum', 15], ['Base', 13], ['Arbitrum', 9], ['BSC', 9], ['Polygon', 5], ['Solana', 7], ['Optimism', 4],
  ['Avalanche', 3], ['Sonic', 3], ['Hyperliquid L1', 2], ['Sui', 2], ['Berachain', 2], ['Mantle', 1.5], ['Linea', 1.5],
  ['Scroll', 1], ['Blast', 1], ['Gnosis', 1], ['zkSync Era', 1], ['Fantom', 1], ['Celo', 1], ['Aptos', 1], ['Tron', 0.5],
  ['Unichain', 1], ['Katana', 0.7], ['Op_bnb', 0.3], ['Mode', 0.5], ['Plasma', 1],
];

export interface ProjectDef {
  slug: string;
  category: Category;
  /** Chains it is deployed on; '*' = any EVM chain of the list. */
  chains: string[] | '*';
  weight: number;
}

const EVM = '*';
export const PROJECTS: ProjectDef[] = [
  // approved lending
  { slug: 'aave-v3', category: 'lending', chains: EVM, weight: 10 },
  { slug: 'aave-v2', category: 'lending', chains: ['Ethereum', 'Polygon', 'Avalanche'], weight: 3 },
  { slug: 'compound-v3', category: 'lending', chains: ['Ethereum', 'Arbitrum', 'Base', 'Polygon', 'Optimism', 'Scroll', 'Mantle'], weight: 5 },
  { slug: 'compound-v2', category: 'lending', chains: ['Ethereum'], weight: 2 },
  { slug: 'sparklend', category: 'lending', chains: ['Ethereum', 'Gnosis'], weight: 3 },
  { slug: 'morpho-v1', category: 'lending', chains: ['Ethereum', 'Base', 'Katana', 'Unichain', 'Arbitrum'], weight: 10 },
  { slug: 'morpho-v0-aavev2', category: 'lending', chains: ['Ethereum'], weight: 1 },
  { slug: 'morpho-v0-compoundv2', category: 'lending', chains: ['Ethereum'], weight: 1 },
  { slug: 'euler-v2', category: 'lending', chains: ['Ethereum', 'Base', 'Sonic', 'Arbitrum', 'Avalanche', 'BSC'], weight: 6 },
  { slug: 'fluid-lending', category: 'lending', chains: ['Ethereum', 'Arbitrum', 'Base', 'Polygon'], weight: 3 },
  { slug: 'sky-lending', category: 'lending', chains: ['Ethereum'], weight: 1 },
  { slug: 'crvusd', category: 'lending', chains: ['Ethereum', 'Arbitrum'], weight: 2 },
  { slug: 'liquity-v1', category: 'lending', chains: ['Ethereum'], weight: 0.5 },
  { slug: 'liquity-v2', category: 'lending', chains: ['Ethereum'], weight: 1 },
  { slug: 'maple', category: 'lending', chains: ['Ethereum', 'Solana'], weight: 1 },
  { slug: 'goldfinch', category: 'lending', chains: ['Ethereum'], weight: 0.5 },
  // other lending
  { slug: 'venus-core-pool', category: 'lending', chains: ['BSC', 'Ethereum', 'Arbitrum', 'Op_bnb'], weight: 4 },
  { slug: 'kamino-lend', category: 'lending', chains: ['Solana'], weight: 5 },
  { slug: 'marginfi-lending', category: 'lending', chains: ['Solana'], weight: 2 },
  { slug: 'benqi-lending', category: 'lending', chains: ['Avalanche'], weight: 1 },
  { slug: 'moonwell-lending', category: 'lending', chains: ['Base', 'Optimism'], weight: 2 },
  { slug: 'silo-v2', category: 'lending', chains: ['Sonic', 'Ethereum', 'Arbitrum'], weight: 4 },
  { slug: 'morpho-blue', category: 'lending', chains: ['Ethereum', 'Base'], weight: 2 },
  { slug: 'radiant-v2', category: 'lending', chains: ['Arbitrum', 'BSC', 'Ethereum'], weight: 1 },
  { slug: 'zerolend', category: 'lending', chains: ['Linea', 'Ethereum', 'Blast', 'zkSync Era'], weight: 1.5 },
  { slug: 'fraxlend', category: 'lending', chains: ['Ethereum', 'Fantom'], weight: 1 },
  { slug: 'hyperlend-pooled', category: 'lending', chains: ['Hyperliquid L1'], weight: 1.5 },
  { slug: 'navi-lending', category: 'lending', chains: ['Sui'], weight: 1.5 },
  { slug: 'dolomite', category: 'lending', chains: ['Arbitrum', 'Berachain', 'Mantle'], weight: 2 },
  { slug: 'gearbox', category: 'lending', chains: ['Ethereum', 'Arbitrum', 'Optimism', 'Sonic'], weight: 1.5 },
  // approved dex
  { slug: 'uniswap-v3', category: 'dex', chains: EVM, weight: 20 },
  { slug: 'uniswap-v2', category: 'dex', chains: ['Ethereum', 'Base', 'Arbitrum', 'BSC', 'Polygon'], weight: 6 },
  { slug: 'curve-dex', category: 'dex', chains: ['Ethereum', 'Arbitrum', 'Base', 'Polygon', 'Optimism', 'Fantom', 'Avalanche', 'Gnosis', 'Sonic'], weight: 12 },
  { slug: 'balancer-v2', category: 'dex', chains: ['Ethereum', 'Arbitrum', 'Polygon', 'Gnosis', 'Avalanche', 'Base'], weight: 4 },
  { slug: 'balancer-v3', category: 'dex', chains: ['Ethereum', 'Base', 'Arbitrum', 'Gnosis', 'Sonic'], weight: 2 },
  { slug: 'sushiswap', category: 'dex', chains: EVM, weight: 3 },
  { slug: 'sushiswap-v3', category: 'dex', chains: EVM, weight: 2 },
  // other dex
  { slug: 'uniswap-v4', category: 'dex', chains: ['Ethereum', 'Base', 'Arbitrum', 'Unichain', 'BSC'], weight: 8 },
  { slug: 'aerodrome-slipstream', category: 'dex', chains: ['Base'], weight: 14 },
  { slug: 'aerodrome-v1', category: 'dex', chains: ['Base'], weight: 6 },
  { slug: 'pancakeswap-amm', category: 'dex', chains: ['BSC', 'Ethereum', 'Base', 'Opbnb'], weight: 6 },
  { slug: 'pancakeswap-amm-v3', category: 'dex', chains: ['BSC', 'Ethereum', 'Base', 'Arbitrum', 'Op_bnb', 'Linea'], weight: 8 },
  { slug: 'velodrome-v2', category: 'dex', chains: ['Optimism', 'Mode'], weight: 4 },
  { slug: 'camelot-v3', category: 'dex', chains: ['Arbitrum'], weight: 3 },
  { slug: 'raydium-amm', category: 'dex', chains: ['Solana'], weight: 10 },
  { slug: 'orca-dex', category: 'dex', chains: ['Solana'], weight: 6 },
  { slug: 'meteora-dlmm', category: 'dex', chains: ['Solana'], weight: 6 },
  { slug: 'trader-joe-dex', category: 'dex', chains: ['Avalanche', 'Arbitrum', 'BSC'], weight: 3 },
  { slug: 'quickswap-dex', category: 'dex', chains: ['Polygon'], weight: 3 },
  { slug: 'fluid-dex', category: 'dex', chains: ['Ethereum', 'Arbitrum', 'Base'], weight: 1.5 },
  { slug: 'shadow-exchange', category: 'dex', chains: ['Sonic'], weight: 3 },
  { slug: 'thena-v1', category: 'dex', chains: ['BSC'], weight: 2 },
  { slug: 'cetus-amm', category: 'dex', chains: ['Sui', 'Aptos'], weight: 4 },
  { slug: 'kodiak-v3', category: 'dex', chains: ['Berachain'], weight: 3 },
  { slug: 'sunswap-v2', category: 'dex', chains: ['Tron'], weight: 1 },
  // approved yield
  { slug: 'yearn-finance', category: 'yield', chains: ['Ethereum', 'Arbitrum', 'Polygon', 'Base', 'Optimism', 'Fantom'], weight: 3 },
  { slug: 'convex-finance', category: 'yield', chains: ['Ethereum', 'Arbitrum'], weight: 4 },
  { slug: 'ethena-usde', category: 'yield', chains: ['Ethereum'], weight: 0.4 },
  { slug: 'spectra-v2', category: 'yield', chains: ['Ethereum', 'Base', 'Arbitrum', 'Sonic'], weight: 1.5 },
  // other yield
  { slug: 'beefy', category: 'yield', chains: EVM, weight: 10 },
  { slug: 'merkl', category: 'yield', chains: EVM, weight: 8 },
  { slug: 'stakedao', category: 'yield', chains: ['Ethereum', 'Arbitrum', 'Base'], weight: 2 },
  { slug: 'concentrator', category: 'yield', chains: ['Ethereum'], weight: 0.5 },
  { slug: 'fusion-by-ipor', category: 'yield', chains: ['Ethereum', 'Arbitrum', 'Base'], weight: 1 },
  { slug: 'summer.fi', category: 'yield', chains: ['Ethereum', 'Base', 'Arbitrum'], weight: 1 },
  { slug: 'resolv-usr', category: 'yield', chains: ['Ethereum', 'Base'], weight: 0.5 },
  { slug: 'usual-usd0', category: 'yield', chains: ['Ethereum'], weight: 0.5 },
  { slug: 'harvest-finance', category: 'yield', chains: ['Ethereum', 'Base', 'Arbitrum', 'Polygon'], weight: 2 },
  { slug: 'jones-dao', category: 'yield', chains: ['Arbitrum'], weight: 0.5 },
  // pendle
  { slug: 'pendle', category: 'pendle', chains: ['Ethereum', 'Arbitrum', 'Base', 'BSC', 'Sonic', 'Berachain', 'Hyperliquid L1', 'Mantle'], weight: 1 },
  // staking
  { slug: 'lido', category: 'lst', chains: ['Ethereum'], weight: 0.3 },
  { slug: 'rocket-pool', category: 'lst', chains: ['Ethereum'], weight: 0.3 },
  { slug: 'jito-liquid-staking', category: 'lst', chains: ['Solana'], weight: 0.5 },
  { slug: 'marinade-liquid-staking', category: 'lst', chains: ['Solana'], weight: 0.5 },
  { slug: 'ether.fi-stake', category: 'lst', chains: ['Ethereum'], weight: 0.3 },
  { slug: 'binance-staked-eth', category: 'lst', chains: ['Ethereum', 'BSC'], weight: 0.3 },
];

/** Category mix of new pools (before project availability per chain). */
export const CATEGORY_WEIGHTS: [Category, number][] = [
  ['dex', 55], ['lending', 22], ['yield', 16], ['pendle', 4], ['lst', 3],
];

/** Non-EVM chains (addresses are not 0x-hex there). */
export const NON_EVM = new Set(['Solana', 'Sui', 'Aptos', 'Tron']);
