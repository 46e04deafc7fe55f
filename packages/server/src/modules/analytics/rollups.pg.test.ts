import { rollupContract } from './rollups.contract.js';

rollupContract('postgres');
