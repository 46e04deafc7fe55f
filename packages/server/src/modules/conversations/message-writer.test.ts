import { messageWriterContract } from './message-writer.contract.js';

messageWriterContract('sqlite');
