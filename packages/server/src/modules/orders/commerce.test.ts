import { commerceContract } from './commerce.contract.js';

commerceContract('sqlite');
