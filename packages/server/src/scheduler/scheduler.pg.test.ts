import { schedulerContract } from './scheduler.contract.js';

schedulerContract('postgres');
