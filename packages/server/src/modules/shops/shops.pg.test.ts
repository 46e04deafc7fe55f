import { shopsContract } from './shops.contract.js';

shopsContract('postgres');
