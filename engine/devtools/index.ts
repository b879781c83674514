export { startNatsServer, freePort, type NatsServerHandle } from './natsServer.ts';
