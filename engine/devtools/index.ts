export { startNatsCluster, startNatsServer, freePort, type NatsClusterHandle, type NatsServerHandle } from './natsServer.ts';
