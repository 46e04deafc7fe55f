import { apiContract } from './api.contract.js';

apiContract('postgres');
