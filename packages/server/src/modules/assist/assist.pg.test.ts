import { assistContract } from './assist.contract.js';

assistContract('postgres', { full: false });
