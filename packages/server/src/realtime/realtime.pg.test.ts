import { realtimeContract } from './realtime.contract.js';

realtimeContract('postgres');
