export { startGateway, type GatewayContext } from './gateway';
export { readGatewayEnvironment, type GatewayEnvironment } from './environment';
export { startEmbedded, type EmbeddedSystem } from './embedded';
export { composeSupergraph } from './compose';
