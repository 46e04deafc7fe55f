import { qualityContract } from './quality.contract.js';

qualityContract('sqlite');
