import { variablesContract } from './variables.contract.js';

variablesContract('sqlite');
