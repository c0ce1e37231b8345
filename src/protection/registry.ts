import { SigapConfig } from '../config';

/** The register's answer for one CPF; `raw` is kept as evidence. */
export type RegistryAnswer = { impeded: false; raw: string } | { impeded: true; reason: string; raw: string };

/** The register could not be asked, or did not answer in its documented shape: never proof of anything. */
export class RegistryUnreachable extends Error {}

/** The SPA's central register of barred bettors (SIGAP Módulo de Impedidos), asked by CPF. */
export interface ImpedimentRegistry {
  check(cpf: string, traceId: string): Promise<RegistryAnswer>;
}

/**
 * The SIGAP adapter. Public material gives no endpoint or auth scheme, so this speaks the shape the docs state as
 * an assumption (docs/protection.md "The register"): GET {SIGAP_BASE_URL}/impedidos/{cpf} with a bearer token,
 * answered 200 {"cpf", "situacao": "PERMITIDO" | "IMPEDIDO", "motivo"}. Anything else means unreachable.
 */
export function sigapRegistry(config: SigapConfig): ImpedimentRegistry {
  return {
    async check(cpf, traceId) {
      let response: Response;
      try {
        response = await fetch(`${config.baseUrl.replace(/\/$/, '')}/impedidos/${encodeURIComponent(cpf)}`, {
          headers: { Authorization: `Bearer ${config.token}`, Accept: 'application/json', 'X-Trace-Id': traceId },
          signal: AbortSignal.timeout(config.timeoutMs),
        });
      } catch (error) {
        throw new RegistryUnreachable(`SIGAP did not answer: ${(error as Error).message}`);
      }
      const raw = await response.text().catch(() => '');
      if (response.status !== 200) throw new RegistryUnreachable(`SIGAP answered HTTP ${response.status}: ${raw.slice(0, 200)}`);
      return readAnswer(cpf, raw);
    },
  };
}

function readAnswer(cpf: string, raw: string): RegistryAnswer {
  let body: { cpf?: unknown; situacao?: unknown; motivo?: unknown };
  try {
    body = JSON.parse(raw);
  } catch {
    throw new RegistryUnreachable(`SIGAP answered something that is not JSON: ${raw.slice(0, 200)}`);
  }
  if (body?.cpf !== cpf) throw new RegistryUnreachable(`SIGAP answered for another CPF: ${raw.slice(0, 200)}`);
  if (body.situacao === 'PERMITIDO') return { impeded: false, raw };
  if (body.situacao === 'IMPEDIDO') return { impeded: true, reason: typeof body.motivo === 'string' ? body.motivo : 'NAO_INFORMADO', raw };
  throw new RegistryUnreachable(`SIGAP answered an unknown situacao: ${raw.slice(0, 200)}`);
}

/** JURISDICTION=BR without SIGAP_BASE_URL (development only): every check fails, so bets and deposits wait. */
export const UNCONFIGURED_REGISTRY: ImpedimentRegistry = {
  async check() {
    throw new RegistryUnreachable('SIGAP_BASE_URL is not set: the SPA register cannot be asked');
  },
};
