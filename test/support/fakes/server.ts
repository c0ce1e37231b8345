import http from 'node:http';

/** What the next create does instead of answering normally. */
export type CreateFault =
  | 'timeout-after-create' // stores the order, never answers
  | 'timeout-before-create' // stores nothing, never answers
  | '500-before-create'
  | '500-after-create'
  | 'garbage-after-create' // stores the order, answers 200 with a body that is not JSON
  | 'reset-before-create' // drops the connection
  | 'reject'; // a 4xx validation error

/** A fake provider: a real HTTP server on 127.0.0.1 with a queue of faults for its create call. */
export abstract class FakeServer {
  baseUrl = '';
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.handle(req, res, new URL(req.url ?? '/', this.baseUrl), Buffer.concat(chunks).toString('utf8')));
  });
  private readonly faults: CreateFault[] = [];
  /** How long a new order stays invisible to lookups by our id and to lists (a lookup that lags behind creates). */
  lookupLagMs = 0;
  private readonly createdAt = new WeakMap<object, number>();

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): void;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  failNextCreate(fault: CreateFault): void {
    this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Stores an order the way `create` does, remembering when, for the lookup lag. */
  protected stored<T extends object>(store: Map<string, T>, key: string, order: T): void {
    this.createdAt.set(order, Date.now());
    store.set(key, order);
  }

  /** Whether a lookup by our id, or a list, shows the order yet. */
  protected visible(order: object): boolean {
    return Date.now() - (this.createdAt.get(order) ?? 0) >= this.lookupLagMs;
  }

  protected json(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  /** Runs a create through the next queued fault: `create` stores the order, `answer` replies as documented. */
  protected createWithFaults(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    steps: { create: () => void; answer: () => void; reject: () => void },
  ): void {
    const fault = this.faults.shift();
    if (fault === 'reject') return steps.reject();
    if (fault === 'reset-before-create') return void req.socket.destroy();
    if (fault === 'timeout-before-create') return;
    if (fault === '500-before-create') return this.json(res, 500, { message: 'Server Error' });
    steps.create();
    if (fault === 'timeout-after-create') return;
    if (fault === '500-after-create') return this.json(res, 500, { message: 'Server Error' });
    if (fault === 'garbage-after-create') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return void res.end('<html>502 Bad Gateway</html>');
    }
    steps.answer();
  }
}
