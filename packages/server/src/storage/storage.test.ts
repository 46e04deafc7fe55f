import { storageContract } from './storage.contract.js';

storageContract('sqlite');
