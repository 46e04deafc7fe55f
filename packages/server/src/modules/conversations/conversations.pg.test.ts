import { conversationsContract } from './conversations.contract.js';

conversationsContract('postgres');
