import { conversationsContract } from './conversations.contract.js';

conversationsContract('sqlite');
