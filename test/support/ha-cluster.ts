import { ChildProcess, execFileSync, spawn, SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childrenOf } from '../../bench/cpu';
import { freePort } from '../../src/http';
import { eventually } from './eventually';

/**
 * The high-availability set-up of deploy/ha/ on one machine, from Debian's packages (scripts/install-ha.sh): one
 * etcd, three PostgreSQL 15 nodes under Patroni (deploy/ha/patroni.yml, strict synchronous mode) and HAProxy
 * (deploy/ha/haproxy.cfg) routing to the leader by Patroni's REST check. A test can stall or kill a node.
 */
const DEPLOY = path.resolve(__dirname, '../../deploy/ha');
const PG_BIN = '/usr/lib/postgresql/15/bin';
const BINARIES = ['/usr/bin/patroni', '/usr/bin/etcd', '/usr/sbin/haproxy', `${PG_BIN}/postgres`];
const PASSWORDS = { superuser: 'ha-superuser', replication: 'ha-replicator', rewind: 'ha-rewinder', owner: 'ha-owner', app: 'ha-app' };

export interface HaNode {
  name: string;
  pgPort: number;
  restPort: number;
  dataDir: string;
  patroni: ChildProcess;
}

/** Why the cluster cannot be built here, or undefined when it can. */
export function haClusterMissing(): string | undefined {
  const missing = BINARIES.filter((binary) => !fs.existsSync(binary));
  return missing.length ? `missing ${missing.join(', ')} (npm run test:failover installs them with scripts/install-ha.sh)` : undefined;
}

/** PostgreSQL refuses to run as root: as root, the nodes run as Debian's postgres user. */
function postgresUser(): Pick<SpawnOptions, 'uid' | 'gid'> {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  return { uid, gid };
}

export class HaCluster {
  readonly output: string[] = [];
  private readonly processes: ChildProcess[] = [];
  readonly nodes: HaNode[] = [];
  private primaryPort = 0;
  private replicaPort = 0;

  private constructor(private readonly dir: string) {}

  /** Starts etcd, the three nodes and HAProxy; resolves once a leader serves writes through HAProxy. */
  static async start(): Promise<HaCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wallet-ha-'));
    const cluster = new HaCluster(dir);
    try {
      await cluster.boot();
    } catch (error) {
      await cluster.stop();
      throw new Error(`${(error as Error).message}\n${cluster.output.join('').slice(-30000)}`);
    }
    return cluster;
  }

  /** The wallet's owner (migrations) and runtime role, through HAProxy to whichever node leads. */
  get ownerUrl() {
    return `postgres://wallet_owner:${PASSWORDS.owner}@127.0.0.1:${this.primaryPort}/wallet`;
  }

  get runtimeUrl() {
    return `postgres://wallet_app:${PASSWORDS.app}@127.0.0.1:${this.primaryPort}/wallet`;
  }

  get replicaUrl() {
    return `postgres://wallet_app:${PASSWORDS.app}@127.0.0.1:${this.replicaPort}/wallet`;
  }

  private async boot(): Promise<void> {
    const user = postgresUser();
    fs.chownSync(this.dir, user.uid ?? process.getuid!(), user.gid ?? process.getgid!());
    const etcdClient = await freePort();
    const etcdPeer = await freePort();
    this.run('etcd', '/usr/bin/etcd', [
      '--name', 'ha', '--data-dir', path.join(this.dir, 'etcd'), '--log-level', 'warn', '--logger', 'zap',
      '--listen-client-urls', `http://127.0.0.1:${etcdClient}`, '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster', `ha=http://127.0.0.1:${etcdPeer}`,
    ], {});
    const config = path.join(this.dir, 'patroni.yml');
    const postBootstrap = path.join(this.dir, 'post-bootstrap.sh');
    fs.copyFileSync(path.join(DEPLOY, 'post-bootstrap.sh'), postBootstrap);
    fs.chmodSync(postBootstrap, 0o755);
    fs.writeFileSync(config, fs.readFileSync(path.join(DEPLOY, 'patroni.yml'), 'utf8').replace('/etc/patroni/post-bootstrap.sh', postBootstrap));
    for (const name of ['node1', 'node2', 'node3']) {
      const node = { name, pgPort: await freePort(), restPort: await freePort(), dataDir: path.join(this.dir, name) } as HaNode;
      node.patroni = this.run(name, '/usr/bin/patroni', [config], {
        ...user,
        env: {
          PATH: `${PG_BIN}:/usr/bin:/bin`,
          HOME: this.dir,
          PATRONI_NAME: name,
          PATRONI_RESTAPI_LISTEN: `127.0.0.1:${node.restPort}`,
          PATRONI_RESTAPI_CONNECT_ADDRESS: `127.0.0.1:${node.restPort}`,
          PATRONI_POSTGRESQL_LISTEN: `127.0.0.1:${node.pgPort}`,
          PATRONI_POSTGRESQL_CONNECT_ADDRESS: `127.0.0.1:${node.pgPort}`,
          PATRONI_POSTGRESQL_DATA_DIR: node.dataDir,
          PATRONI_POSTGRESQL_PGPASS: path.join(this.dir, `${name}.pgpass`),
          PATRONI_ETCD3_HOSTS: `127.0.0.1:${etcdClient}`,
          PATRONI_SUPERUSER_PASSWORD: PASSWORDS.superuser,
          PATRONI_REPLICATION_PASSWORD: PASSWORDS.replication,
          PATRONI_REWIND_PASSWORD: PASSWORDS.rewind,
          WALLET_OWNER_PASSWORD: PASSWORDS.owner,
          WALLET_APP_PASSWORD: PASSWORDS.app,
        },
      });
      this.nodes.push(node);
      // the first node initialises the cluster; the others clone it once it leads
      if (name === 'node1') await this.until('node1 leads', async () => (await this.leader())?.name === 'node1', 60_000);
    }
    this.primaryPort = await freePort();
    this.replicaPort = await freePort();
    const [n1, n2, n3] = this.nodes;
    this.run('haproxy', '/usr/sbin/haproxy', ['-db', '-f', path.join(DEPLOY, 'haproxy.cfg')], {
      env: {
        HA_BIND: '127.0.0.1', HA_PRIMARY_PORT: String(this.primaryPort), HA_REPLICA_PORT: String(this.replicaPort),
        NODE1_PG: `127.0.0.1:${n1.pgPort}`, NODE1_REST: String(n1.restPort),
        NODE2_PG: `127.0.0.1:${n2.pgPort}`, NODE2_REST: String(n2.restPort),
        NODE3_PG: `127.0.0.1:${n3.pgPort}`, NODE3_REST: String(n3.restPort),
      },
    });
    await this.until('a synchronous standby streams', () => this.synchronousStandby(), 90_000);
  }

  private run(name: string, command: string, args: string[], options: SpawnOptions): ChildProcess {
    const child = spawn(command, args, { ...options, cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => this.output.push(`[${name}] ${chunk.toString('utf8')}`));
    child.on('error', (error) => this.output.push(`[${name}] ${error.message}\n`));
    this.processes.push(child);
    return child;
  }

  private async until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    await eventually(`HA cluster: ${what}`, check, Boolean, { within: timeoutMs, every: 250 });
  }

  private async rest(node: HaNode, route: string): Promise<Response | undefined> {
    return fetch(`http://127.0.0.1:${node.restPort}${route}`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
  }

  /** The node Patroni's REST API names primary (the one HAProxy routes writes to), if any. */
  async leader(): Promise<HaNode | undefined> {
    for (const node of this.nodes) if ((await this.rest(node, '/primary'))?.status === 200) return node;
    return undefined;
  }

  /** Whether a standby is in sync (Patroni's /sync check), so that a commit the leader acknowledges is on two nodes. */
  async synchronousStandby(): Promise<boolean> {
    for (const node of this.nodes) if ((await this.rest(node, '/sync'))?.status === 200) return true;
    return false;
  }

  /** Waits for a leader other than `old`, and for HAProxy to route to it. */
  async untilNewLeader(old: HaNode, timeoutMs = 90_000): Promise<HaNode> {
    await this.until('a new leader', async () => {
      const leader = await this.leader();
      return leader !== undefined && leader !== old;
    }, timeoutMs);
    return (await this.leader())!;
  }

  /** The node's postmaster and every process it started, and its Patroni. */
  private pids(node: HaNode): number[] {
    const postmaster = Number(fs.readFileSync(path.join(node.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return [node.patroni.pid!, postmaster, ...childrenOf(postmaster)];
  }

  /** Freezes the node (SIGSTOP to Patroni and all of PostgreSQL): commits in flight neither finish nor fail. */
  stall(node: HaNode): number[] {
    const pids = this.pids(node);
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    return pids;
  }

  /** kill -9 of Patroni and all of the node's PostgreSQL, as a machine that dies. */
  kill(pids: number[]): void {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  async stop(): Promise<void> {
    for (const child of [...this.processes].reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
    }
    for (const node of this.nodes) {
      try {
        const postmaster = Number(fs.readFileSync(path.join(node.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
        process.kill(postmaster, 'SIGKILL');
      } catch {
        // not running
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
