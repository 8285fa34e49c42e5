import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  /** `http://127.0.0.1:8080` */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Thrown when a port is taken: names the server, the port and how to choose another. */
export class PortInUseError extends Error {
  constructor(
    readonly role: string,
    readonly port: number,
    readonly host: string,
  ) {
    super(`preview: the ${role} port ${port} on ${host} is already in use`);
    this.name = 'PortInUseError';
  }
}

/** Listens on host:port (0 = any free port); resolves once listening, rejects with PortInUseError. */
export function listen(server: Server, port: number, host: string, role: string): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(role, port, host) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      const actual = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${host}:${actual}`,
        port: actual,
        stop: () => closeServer(server),
      });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
