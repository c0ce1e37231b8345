import http from 'node:http';
import { FakeServer } from './server';

/** How the register answers while it is down. */
export type RegisterOutage = '503' | 'reset' | 'timeout' | 'garbage' | 'unknown-situacao';

/**
 * The SPA register (SIGAP Módulo de Impedidos) in the shape docs/protection.md assumes: GET /impedidos/{cpf} with
 * `Authorization: Bearer <token>`, answered 200 {"cpf", "situacao": "PERMITIDO" | "IMPEDIDO", "motivo"}; 401 for a
 * wrong token. It can be taken down in each way the adapter must read as "unreachable".
 */
export class FakeSigap extends FakeServer {
  readonly token = 'sigap-test-token';
  private readonly barred = new Map<string, string>();
  outage: RegisterOutage | undefined;
  /** Every CPF asked, in order. */
  readonly asked: string[] = [];

  settings() {
    return { baseUrl: this.baseUrl, token: this.token, timeoutMs: 300, sweepRatePerSecond: 10_000 };
  }

  bar(cpf: string, motivo = 'AUTOEXCLUSAO_CENTRALIZADA'): void {
    this.barred.set(cpf, motivo);
  }

  lift(cpf: string): void {
    this.barred.delete(cpf);
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const match = /^\/impedidos\/(\d{11})$/.exec(url.pathname);
    if (req.method !== 'GET' || !match) return this.json(res, 404, { mensagem: 'not found' });
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.json(res, 401, { mensagem: 'token inválido' });
    const cpf = match[1];
    this.asked.push(cpf);
    switch (this.outage) {
      case '503': return this.json(res, 503, { mensagem: 'indisponível' });
      case 'reset': return void req.socket.destroy();
      case 'timeout': return; // never answers
      case 'garbage':
        res.writeHead(200, { 'Content-Type': 'text/html' });
        return void res.end('<html>manutenção</html>');
      case 'unknown-situacao': return this.json(res, 200, { cpf, situacao: 'EM_ANALISE' });
      default: break;
    }
    const motivo = this.barred.get(cpf);
    this.json(res, 200, motivo ? { cpf, situacao: 'IMPEDIDO', motivo } : { cpf, situacao: 'PERMITIDO' });
  }
}
