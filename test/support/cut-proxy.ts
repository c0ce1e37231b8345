import net from 'node:net';

/**
 * A TCP proxy between the app and PostgreSQL that can cut one call's connection: `after` forwards the call and
 * drops the connection when the answer comes back (the call committed, the app never hears it), `before` drops
 * it unsent; either may then keep the database away until `up()`.
 */
export class CutProxy {
  private server = net.createServer((client) => this.pipe(client));
  private armed: { text: string; when: 'before' | 'after'; thenDown: boolean } | undefined;
  private refusing = false;
  /** Connections cut so far. */
  cuts = 0;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly databaseUrl: string) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  /** The database URL through the proxy. */
  url(): string {
    const url = new URL(this.databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  /** The next message from the app that holds `text` is cut; with `thenDown`, the database then stays away until up(). */
  cutNext(text: string, when: 'before' | 'after', thenDown = false): void {
    this.armed = { text, when, thenDown };
  }

  up(): void {
    this.refusing = false;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upstream(): net.Socket {
    const url = new URL(this.databaseUrl);
    const host = decodeURIComponent(url.hostname);
    const port = Number(url.port || 5432);
    return host.startsWith('/') ? net.connect({ path: `${host}/.s.PGSQL.${port}` }) : net.connect({ host, port });
  }

  private pipe(client: net.Socket): void {
    if (this.refusing) return void client.destroy();
    const server = this.upstream();
    let cutOnAnswer = false;
    const both = [client, server];
    for (const socket of both) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => both.forEach((s) => s.destroy()));
    }
    client.on('data', (chunk: Buffer) => {
      const armed = this.armed;
      if (armed && chunk.includes(armed.text)) {
        this.armed = undefined;
        this.cuts += 1;
        if (armed.thenDown) this.refusing = true;
        if (armed.when === 'before') return both.forEach((s) => s.destroy());
        cutOnAnswer = true;
      }
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      if (cutOnAnswer) return both.forEach((s) => s.destroy());
      client.write(chunk);
    });
    client.on('end', () => server.end());
    server.on('end', () => client.end());
  }
}
