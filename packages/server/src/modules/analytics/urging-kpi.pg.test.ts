import { urgingKpiContract } from './urging-kpi.contract.js';

urgingKpiContract('postgres');
