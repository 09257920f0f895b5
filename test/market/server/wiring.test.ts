/** The glue used by `npm run emulate` / `npm run local-workflow`: flags → options, the ServiceStarter. */
import axios from 'axios';
import { marketOptionsFromFlags, marketService, setRemoteMarketClock } from '../../../scripts/market';

describe('market flags', () => {
  it('maps --pools/--days/--seed/--run-date/--recordings and rejects bad values', () => {
    expect(marketOptionsFromFlags({ pools: '500', days: '30', seed: '7', 'run-date': '2025-03-01' })).toMatchObject({ market: { pools: 500, days: 30, seed: 7, endDate: '2025-03-01' }, date: '2025-03-01' });
    expect(marketOptionsFromFlags({ recordings: 'rec' }).recordingsDir).toMatch(/\/rec$/);
    expect(() => marketOptionsFromFlags({ pools: 'many' })).toThrow(/--pools/);
    expect(() => marketOptionsFromFlags({ 'run-date': '2025-02-30' })).toThrow(/--run-date/);
  });
});

describe('marketService (ServiceStarter)', () => {
  it('starts the stand-ins with env for the functions host, clock at --run-date, and stops them', async () => {
    const notices: string[] = [];
    const service = await marketService({ market: { pools: 200, days: 40, seed: 3, endDate: '2025-06-30' }, date: '2025-06-15' })({ host: '127.0.0.1', notice: (m) => notices.push(m) });
    try {
      expect(service.name).toBe('market');
      expect(service.env.DEFILLAMA_BASE_URL).toBe(service.endpoints.defillama);
      expect(service.endpoints.today).toBe('2025-06-15');
      const pools = await axios.get(`${service.env.DEFILLAMA_BASE_URL}/pools`, { proxy: false });
      expect(pools.data.data.length).toBeGreaterThan(100);
      // local-workflow moves a reused instance's clock through the control API
      await setRemoteMarketClock(service.env.MARKET_CONTROL_URL, '2025-06-20');
      expect((await axios.get(`${service.env.MARKET_CONTROL_URL}/clock`, { proxy: false })).data.date).toBe('2025-06-20');
      await expect(setRemoteMarketClock(service.env.MARKET_CONTROL_URL, 'nope')).rejects.toThrow(/HTTP 400/);
    } finally {
      await service.stop();
    }
    await expect(axios.get(`${service.env.DEFILLAMA_BASE_URL}/pools`, { proxy: false })).rejects.toBeDefined();
  });
});
