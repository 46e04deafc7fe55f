export { startServer, defaultAssetDirs, type RunningServer } from './server.js';
export { buildApp } from './app.js';
export { createAppContext, type AppContext } from './app-context.js';
export { defaultConfig, type Config } from './config/config.js';
export { createStorage, dropPgSchema, type Storage } from './storage/create-db.js';
export { runCli, main } from './cli/main.js';
export { assistOf } from './modules/assist/assist.routes.js';
