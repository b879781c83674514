/**
 * docker-compose.yml is for users and Docker does not run in CI, so this checks its wiring
 * statically: services, ports, env, mounted files, Prometheus target, Grafana provisioning.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');

interface Service {
  image?: string;
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

const compose = parse(read('docker-compose.yml')) as Compose;
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
  it('has the five services on current images', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['clickhouse', 'engine', 'grafana', 'nats', 'prometheus']);
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
