import { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface Answer {
  method: string;
  /** The path without its query. */
  path: string;
  status: number;
  contentType: string;
  body: Buffer;
}

const MAX_BODY = 1 << 20;

/**
 * Calls `seen` with every answer the server sends, body included (up to 1 MB), whoever asked: supertest, the CLI's
 * fetch, the browser. It listens before the app does, so it sees the first byte written.
 */
export function watchAnswers(server: Server, seen: (answer: Answer) => void): void {
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]; // before Express strips a router's mount path from req.url
    const chunks: Buffer[] = [];
    let size = 0;
    let contentType = '';
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function' || size > MAX_BODY) return;
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      size += buffer.length;
      chunks.push(buffer);
    };
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    // headers given to writeHead are not readable with getHeader afterwards
    res.writeHead = ((...args: unknown[]) => {
      const headers = args.find((arg) => typeof arg === 'object' && arg !== null) as Record<string, unknown> | undefined;
      const given = headers && Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type');
      if (given) contentType = String(given[1]);
      return writeHead(...args);
    }) as typeof res.writeHead;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.write = ((...args: unknown[]) => {
      keep(args[0], args[1]);
      return write(...args);
    }) as typeof res.write;
    res.end = ((...args: unknown[]) => {
      keep(args[0], args[1]);
      return end(...args);
    }) as typeof res.end;
    res.on('finish', () => {
      if (size > MAX_BODY) return;
      seen({
        method: req.method ?? 'GET',
        path,
        status: res.statusCode,
        contentType: contentType || String(res.getHeader('content-type') ?? ''),
        body: Buffer.concat(chunks),
      });
    });
  });
}

/** What the watched servers answered that the API document does not allow; each test must leave it empty. */
const problems: string[] = [];

export function reportProblem(problem: string): void {
  problems.push(problem);
}

/** The problems reported since the last call, now forgotten. */
export function takeProblems(): string[] {
  return problems.splice(0);
}
