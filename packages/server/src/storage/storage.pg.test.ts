import { storageContract } from './storage.contract.js';

storageContract('postgres');
