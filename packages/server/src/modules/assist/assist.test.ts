import { assistContract } from './assist.contract.js';

assistContract('sqlite');
