/**
 * docker-compose.yml is for users and Docker does not run in CI, so this checks its wiring
 * statically: services, ports, env, mounted files, Prometheus target, Grafana provisioning, and
 * the `scale` profile (three instances on a NATS cluster and a sharded ClickHouse).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EnvSchema, parseNatsServers } from '../engine/config/index.ts';
import { distributedSources } from '../engine/sinks/clickhouse/index.ts';

const ROOT = resolve(import.meta.dirname, '..');
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');

interface Service {
  image?: string;
  profiles?: string[];
  build?: string | { context: string };
  command?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: string[] | Record<string, unknown>;
  healthcheck?: { test: string[] | string };
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

// merge: the scale profile's services share their settings through YAML merge keys (`<<: *engine-node`), as Compose reads them.
const compose = parse(read('docker-compose.yml'), { merge: true }) as Compose;
const svc = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`service ${name} missing`);
  return s;
};
/** Container ports published by a service ("host:container" or "container"). */
const published = (s: Service): number[] => (s.ports ?? []).map((p) => Number(String(p).split(':').pop()));
const env = (s: Service): Record<string, string> => s.environment ?? {};
/** Bind mounts as [source, target]; named volumes are skipped. */
const binds = (s: Service): [string, string][] =>
  (s.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([src]) => src !== undefined && (src.startsWith('./') || src.startsWith('/')))
    .map(([src, dst]) => [src ?? '', dst ?? '']);
const health = (s: Service): string => [s.healthcheck?.test ?? []].flat().join(' ');

/** Metric names the engine exports (prom-client); histograms add _bucket, _sum, _count. */
const METRICS = [
  'cxpulse_events_in_total',
  'cxpulse_events_out_total',
  'cxpulse_events_failed_total',
  'cxpulse_consumer_lag_messages',
  'cxpulse_tf_backend_info',
];
const HISTOGRAMS = ['cxpulse_event_latency_seconds', 'cxpulse_batch_size'];
const KNOWN = new Set([...METRICS, ...HISTOGRAMS.flatMap((h) => ['_bucket', '_sum', '_count'].map((s) => h + s))]);

describe('docker-compose.yml', () => {
  it('has the five services on current images, outside any profile', () => {
    const always = Object.entries(compose.services).filter(([, s]) => !s.profiles).map(([n]) => n);
    expect(always.sort()).toEqual(['clickhouse', 'engine', 'grafana', 'nats', 'prometheus']);
    expect(svc('nats').image).toMatch(/^nats:2\.10\b/);
    expect(svc('clickhouse').image).toMatch(/^clickhouse\/clickhouse-server:(2[4-9]|[3-9]\d)\./);
    expect(svc('prometheus').image).toMatch(/^prom\/prometheus:/);
    expect(svc('grafana').image).toMatch(/^grafana\/grafana:/);
  });

  it('runs NATS with JetStream on a volume', () => {
    const cmd = [svc('nats').command ?? []].flat();
    expect(cmd).toContain('-js');
    const store = cmd[cmd.indexOf('-sd') + 1];
    expect(svc('nats').volumes?.some((v) => v.split(':')[1] === store)).toBe(true);
    expect(published(svc('nats'))).toContain(4222);
  });

  it('publishes the ports users open', () => {
    expect(published(svc('clickhouse'))).toContain(8123);
    expect(published(svc('engine'))).toContain(Number(env(svc('engine')).PORT));
    expect(published(svc('prometheus'))).toContain(9090);
    expect(published(svc('grafana'))).toContain(3000);
  });

  it('wires the engine to NATS and ClickHouse by service name', () => {
    const e = env(svc('engine'));
    const nats = new URL(e.NATS_URL ?? '');
    expect(nats.hostname).toBe('nats');
    expect(published(svc('nats'))).toContain(Number(nats.port));
    const ch = new URL(e.CLICKHOUSE_URL ?? '');
    expect(ch.hostname).toBe('clickhouse');
    expect(Number(ch.port)).toBe(8123);
    expect(e.CLICKHOUSE_DB).toBe('cxpulse');
    expect(e.PORT).toBe('8080');
    // Same credentials on both ends.
    const c = env(svc('clickhouse'));
    expect(e.CLICKHOUSE_USER).toBe(c.CLICKHOUSE_USER);
    expect(e.CLICKHOUSE_PASSWORD).toBe(c.CLICKHOUSE_PASSWORD);
    expect(Object.keys(svc('engine').depends_on ?? {})).toEqual(expect.arrayContaining(['nats', 'clickhouse']));
  });

  it('listens beyond loopback only with a token secret the user must set', () => {
    const e = env(svc('engine'));
    expect(e.HOST).toBe('0.0.0.0');
    // `${VAR:?message}`: compose refuses to start without it, rather than run an open engine or a known secret.
    expect(e.CXPULSE_JWT_SECRET).toMatch(/^\$\{CXPULSE_JWT_SECRET:\?[^}]+\}$/);
    expect(e.CXPULSE_ALLOW_OPEN).toBeUndefined();
  });

  it('health-checks the engine on /readyz at its port (unhealthy while events cannot be processed)', () => {
    expect(health(svc('engine'))).toContain(`:${env(svc('engine')).PORT}/readyz`);
    expect(health(svc('clickhouse'))).toContain('/ping');
  });

  it('mounts only files and folders that exist, and declares its named volumes', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [src] of binds(s)) expect(existsSync(join(ROOT, src)), `${name} mounts ${src}`).toBe(true);
      for (const v of s.volumes ?? []) {
        const src = v.split(':')[0] ?? '';
        if (!src.startsWith('.') && !src.startsWith('/')) expect(compose.volumes, `${name} uses volume ${src}`).toHaveProperty(src);
      }
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) expect(compose.services, `${name} depends on ${d}`).toHaveProperty(d);
    }
  });

  it('builds the engine from the Dockerfile', () => {
    const b = svc('engine').build;
    expect(typeof b === 'string' ? b : b?.context).toBe('.');
  });
});

/** The settings the partitioned engine reads besides those in engine/config (README, "Running N instances"). */
const PARTITION_SETTINGS = ['CXPULSE_PARTITIONS', 'CXPULSE_INSTANCES', 'CXPULSE_INSTANCE'];
/** Value of a `--flag value` pair in a command. */
const flag = (cmd: string[], name: string): string | undefined => {
  const i = cmd.indexOf(name);
  return i < 0 ? undefined : cmd[i + 1];
};
/** Host ports a service publishes ("host:container"). */
const hostPorts = (s: Service): number[] => (s.ports ?? []).filter((p) => String(p).includes(':')).map((p) => Number(String(p).split(':').at(-2)));

describe('docker-compose.yml profile scale', () => {
  const scale = Object.entries(compose.services).filter(([, s]) => s.profiles?.includes('scale'));
  const names = scale.map(([n]) => n);
  const engines = names.filter((n) => /^engine-\d+$/.test(n)).sort();
  const natsNodes = names.filter((n) => /^nats-\d+$/.test(n)).sort();
  const chNodes = names.filter((n) => /^ch-\d+$/.test(n)).sort();

  it('has three engines, three NATS servers and three ClickHouse servers, all in the profile only', () => {
    expect(engines).toEqual(['engine-0', 'engine-1', 'engine-2']);
    expect(natsNodes).toEqual(['nats-0', 'nats-1', 'nats-2']);
    expect(chNodes).toEqual(['ch-0', 'ch-1', 'ch-2']);
    for (const [n, s] of scale) expect(s.profiles, n).toEqual(['scale']);
  });

  it('runs the NATS servers as one JetStream cluster: each named, routes to all three, its own store', () => {
    const routes = natsNodes.map((n) => `nats://${n}:6222`);
    const stores = new Set<string>();
    for (const n of natsNodes) {
      const s = svc(n);
      const cmd = [s.command ?? []].flat();
      expect(s.image).toBe(svc('nats').image);
      expect(cmd).toContain('-js');
      expect(flag(cmd, '--server_name')).toBe(n);
      expect(flag(cmd, '--cluster_name')).toBe('cxpulse');
      expect(flag(cmd, '--cluster')).toBe('nats://0.0.0.0:6222');
      expect(flag(cmd, '--routes')?.split(',').sort()).toEqual(routes);
      const vol = s.volumes?.find((v) => v.split(':')[1] === flag(cmd, '-sd'));
      expect(vol, `${n} keeps its JetStream store on a volume`).toBeDefined();
      stores.add(vol?.split(':')[0] ?? '');
      expect(health(s)).toContain('js-enabled-only=true');
    }
    expect(stores.size).toBe(3);
  });

  it('runs the ClickHouse servers as the shards of cluster `cxpulse`, reached with the engines\' credentials', () => {
    const xml = read('deploy/clickhouse/cluster.xml');
    const cluster = /<remote_servers>\s*<(\w+)>/.exec(xml)?.[1];
    expect(cluster).toBe('cxpulse');
    expect([...xml.matchAll(/<shard>[\s\S]*?<host>([^<]+)<\/host><port>(\d+)<\/port>/g)].map((m) => `${m[1]}:${m[2]}`)).toEqual(chNodes.map((n) => `${n}:9000`));
    const user = [...xml.matchAll(/<user>([^<]+)<\/user>/g)].map((m) => m[1]);
    const passwordVars = [...xml.matchAll(/<password from_env="(\w+)"/g)].map((m) => m[1]);
    expect(user).toHaveLength(3);
    expect(passwordVars).toHaveLength(3);
    for (const n of chNodes) {
      const s = svc(n);
      expect(s.image).toBe(svc('clickhouse').image);
      expect(binds(s)).toContainEqual(['./deploy/clickhouse/cluster.xml', '/etc/clickhouse-server/config.d/cxpulse-cluster.xml']);
      for (const u of user) expect(env(s).CLICKHOUSE_USER).toBe(u);
      // The variable the password is read from is set on the server, to the engines' password.
      for (const v of passwordVars) expect(env(s)[v ?? '']).toBe(env(svc('engine-0')).CLICKHOUSE_PASSWORD);
    }
  });

  it('gives instance i of N = 3 its own NATS server first (the others as fallbacks), three stream replicas, its own shard, with 12 partitions on every instance', () => {
    const all = engines.map((n) => env(svc(n)));
    expect(all.map((e) => e.CXPULSE_INSTANCE).sort()).toEqual(engines.map((_, i) => String(i)));
    for (const [i, n] of engines.entries()) {
      const e = env(svc(n));
      expect(e.CXPULSE_INSTANCES, n).toBe(String(engines.length));
      expect(e.CXPULSE_PARTITIONS, n).toBe('12');
      expect(Number(e.CXPULSE_PARTITIONS)).toBeGreaterThanOrEqual(engines.length);
      // Its own server first, then the others as fallbacks: every member of the cluster, once.
      const servers = parseNatsServers(e.NATS_URL ?? '');
      expect(new URL(servers[0]!).hostname).toBe(`nats-${e.CXPULSE_INSTANCE}`);
      expect(servers.map((u) => new URL(u).hostname).sort()).toEqual(natsNodes);
      expect(e.CXPULSE_NATS_REPLICAS, n).toBe(String(natsNodes.length));
      expect(new URL(e.CLICKHOUSE_URL ?? '').hostname).toBe(`ch-${e.CXPULSE_INSTANCE}`);
      expect(e.CXPULSE_INSTANCE).toBe(String(i));
      const deps = Object.keys(svc(n).depends_on ?? {});
      expect(deps.sort()).toEqual([`ch-${i}`, `nats-${i}`]);
      for (const k of Object.keys(e)) expect([...Object.keys(EnvSchema.properties), ...PARTITION_SETTINGS], `${n} sets ${k}`).toContain(k);
    }
  });

  it('gives every instance the same credentials and pseudonym key, and a data dir they share for a key made at start', () => {
    const base = env(svc('engine'));
    for (const n of engines) {
      const e = env(svc(n));
      expect(e.CXPULSE_JWT_SECRET, n).toBe(base.CXPULSE_JWT_SECRET);
      expect(e.CLICKHOUSE_PASSWORD, n).toBe(base.CLICKHOUSE_PASSWORD);
      expect(e.CXPULSE_PSEUDONYM_KEY, n).toBe(env(svc('engine-0')).CXPULSE_PSEUDONYM_KEY);
      // Not `:?`: Compose interpolates services of inactive profiles too, so the default `up` would need it.
      expect(e.CXPULSE_PSEUDONYM_KEY).toMatch(/^\$\{CXPULSE_PSEUDONYM_KEY:-\}$/);
      expect(svc(n).volumes).toContain(`engine-scale-data:${e.CXPULSE_DATA_DIR}`);
      expect(health(svc(n))).toContain(`:${e.PORT}/readyz`);
    }
  });

  it('publishes no host port twice, so the default set and the scale set run side by side', () => {
    const ports = Object.values(compose.services).flatMap(hostPorts);
    expect(new Set(ports).size).toBe(ports.length);
    for (const n of engines) expect(hostPorts(svc(n))).toHaveLength(1);
  });

  it('has every engine make the Distributed tables over the ClickHouse cluster of cluster.xml; the hand-run SQL covers the same tables', () => {
    const cluster = /<remote_servers>\s*<(\w+)>/.exec(read('deploy/clickhouse/cluster.xml'))?.[1];
    for (const n of engines) expect(env(svc(n)).CXPULSE_CLICKHOUSE_CLUSTER, n).toBe(cluster);
    const sql = read('deploy/clickhouse/distributed.sql').replace(/--.*$/gm, '');
    const made = [...sql.matchAll(/CREATE TABLE IF NOT EXISTS cxpulse\.(\w+)_all AS cxpulse\.(\w+) ENGINE = Distributed\((\w+), cxpulse, (\w+)\)/g)];
    expect(made.map((m) => m[2]).sort()).toEqual(distributedSources().sort());
    for (const m of made) {
      expect(m[1]).toBe(m[2]);
      expect(m[4]).toBe(m[2]);
      expect(m[3]).toBe(cluster);
    }
  });
});

/** The Dockerfile's stages: FROM line, stage name and instructions (continuations joined). */
interface Stage {
  from: string;
  name?: string;
  steps: string[];
}
function dockerStages(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1] ?? '', name: from[2], steps: [] });
    else stages.at(-1)?.steps.push(line);
  }
  return stages;
}
/** Sources of the COPY instructions that take files from the build context. */
const contextCopies = (s: Stage): string[] =>
  s.steps
    .filter((l) => /^COPY\s/i.test(l) && !/--from=/.test(l))
    .flatMap((l) => l.split(/\s+/).slice(1, -1).filter((a) => !a.startsWith('--')));

describe('Dockerfile', () => {
  const stages = dockerStages(read('Dockerfile'));
  const build = stages[0];
  const runtime = stages.at(-1);
  const ignored = read('.dockerignore').split('\n').map((l) => l.trim());

  it('has a build stage and a runtime stage on Node 20', () => {
    expect(stages).toHaveLength(2);
    for (const s of stages) expect(s.from).toMatch(/^node:20/);
    expect(build?.name).toBe('build');
    expect(build?.steps).toContain('RUN npm run build');
  });

  it('listens on every interface, so the engine in it needs CXPULSE_JWT_SECRET', () => {
    const envLine = runtime?.steps.find((l) => l.startsWith('ENV ')) ?? '';
    expect(envLine).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(envLine).not.toMatch(/CXPULSE_ALLOW_OPEN|CXPULSE_JWT_SECRET/);
  });

  it('runs compiled JavaScript with production dependencies only', () => {
    expect(runtime?.steps.some((l) => l.startsWith('RUN npm ci --omit=dev --ignore-scripts'))).toBe(true);
    expect(runtime?.steps).toContain('COPY --from=build /src/dist dist');
    expect(runtime?.steps).toContain('CMD ["node", "bin/cxpulse.js", "start"]');
  });

  it('copies no sources, tests or training data into the runtime image', () => {
    expect(contextCopies(runtime ?? { from: '', steps: [] }).sort()).toEqual(['bin', 'models', 'package-lock.json', 'package.json', 'web']);
    for (const dropped of ['data', 'test', 'dist', 'node_modules']) expect(ignored).toContain(dropped);
  });

  it('gets every file it copies in the build context', () => {
    const copied = stages.flatMap(contextCopies).map((p) => p.replace(/\/$/, ''));
    for (const p of copied) {
      expect(existsSync(join(ROOT, p)), `COPY ${p}`).toBe(true);
      expect(ignored, `COPY ${p} but .dockerignore drops it`).not.toContain(p.split('/')[0]);
    }
  });
});

describe('Prometheus config', () => {
  const prom = svc('prometheus');
  const target = (p: string): string => binds(prom).find(([src]) => src === p)?.[1] ?? '';

  it('scrapes the engine port and loads its rules', () => {
    const cfg = parse(read('deploy/prometheus.yml')) as {
      rule_files?: string[];
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const job = cfg.scrape_configs.find((j) => j.static_configs.some((s) => s.targets.some((t) => t.startsWith('engine:'))));
    expect(job?.static_configs.flatMap((s) => s.targets)).toContain(`engine:${env(svc('engine')).PORT}`);
    expect(job?.metrics_path ?? '/metrics').toBe('/metrics');
    expect(target('./deploy/prometheus.yml')).toBe('/etc/prometheus/prometheus.yml');
    expect(cfg.rule_files).toEqual([target('./deploy/alerts.yml')]);
  });

  it('alert rules parse and use only exported metrics', () => {
    const rules = parse(read('deploy/alerts.yml')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.length).toBeGreaterThan(0);
    for (const r of all) for (const m of r.expr.match(/cxpulse_\w+/g) ?? []) expect(KNOWN, `${r.alert}: ${m}`).toContain(m);
  });
});

describe('Grafana provisioning', () => {
  const g = svc('grafana');
  const mount = (src: string): string => binds(g).find(([s]) => s === src)?.[1] ?? '';
  const filesIn = (dir: string): string[] =>
    readdirSync(join(ROOT, dir))
      .filter((f) => statSync(join(ROOT, dir, f)).isFile())
      .map((f) => join(dir, f));

  it('installs the official ClickHouse plugin and mounts provisioning', () => {
    expect(env(g).GF_INSTALL_PLUGINS).toContain('grafana-clickhouse-datasource');
    expect(mount('./grafana/provisioning')).toBe('/etc/grafana/provisioning');
  });

  const datasources = filesIn('grafana/provisioning/datasources').flatMap(
    (f) => (parse(read(f)) as { apiVersion: number; datasources: Record<string, unknown>[] }).datasources,
  );

  it('provisions Prometheus and ClickHouse data sources that point at the services', () => {
    const byType = new Map(datasources.map((d) => [d.type, d]));
    expect(byType.get('prometheus')).toMatchObject({ url: 'http://prometheus:9090' });
    const ch = byType.get('grafana-clickhouse-datasource') as { jsonData: Record<string, unknown>; secureJsonData: Record<string, string> };
    expect(ch.jsonData).toMatchObject({ host: 'clickhouse', port: 8123, protocol: 'http', username: env(svc('clickhouse')).CLICKHOUSE_USER });
    expect(ch.secureJsonData.password).toBe('$CLICKHOUSE_PASSWORD');
    expect(env(g).CLICKHOUSE_PASSWORD).toBe(env(svc('clickhouse')).CLICKHOUSE_PASSWORD);
  });

  it('loads dashboards from where grafana/dashboards is mounted', () => {
    for (const f of filesIn('grafana/provisioning/dashboards')) {
      const cfg = parse(read(f)) as { apiVersion: number; providers: { type: string; options: { path: string } }[] };
      expect(cfg.apiVersion).toBe(1);
      for (const p of cfg.providers) expect(p.options.path).toBe(mount('./grafana/dashboards'));
    }
    expect(env(g).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH?.startsWith(mount('./grafana/dashboards') + '/')).toBe(true);
    const home = env(g).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH?.split('/').pop() ?? '';
    expect(existsSync(join(ROOT, 'grafana/dashboards', home))).toBe(true);
  });

  const dashboards = filesIn('grafana/dashboards').filter((f) => f.endsWith('.json'));

  it.each(dashboards)('%s parses and queries only known data sources and metrics', (f) => {
    const d = JSON.parse(read(f)) as { uid: string; title: string; panels: Record<string, unknown>[] };
    expect(d.uid).toBeTruthy();
    expect(d.title).toBeTruthy();
    const uids = new Set(datasources.map((ds) => ds.uid));
    const text = read(f);
    for (const m of text.match(/"uid": "[^"]+"/g) ?? []) {
      const uid = m.slice(8, -1);
      if (uid !== d.uid) expect(uids, `${f} refers to data source ${uid}`).toContain(uid);
    }
    for (const m of text.match(/cxpulse_[a-z_]+/g) ?? []) expect(KNOWN, `${f}: ${m}`).toContain(m);
    const panels = d.panels.filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(0);
    for (const p of panels) expect((p.targets as unknown[] | undefined)?.length, String(p.title)).toBeGreaterThan(0);
  });
});
