/**
 * The Helm chart (deploy/helm/cxpulse): `helm lint`, then `helm template` with default values
 * and with the value sets people use (3 replicas, KEDA autoscaling, their own Secret), parsed and
 * checked against what the engine reads: its settings (engine/config), its stream and consumer,
 * its probes and the places it writes. Needs helm (scripts/services-helm.sh builds it); without
 * it the tests skip, and fail when CI is set.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EnvSchema, loadConfig, parseNatsServers } from '../../engine/config/index.ts';
import { consumersFor } from '../../engine/bus/partition.ts';
import { CHART, HELM, helm, one, render, type K8sObject } from './helm.ts';

/** The partitioning settings the engine reads (README, "Running N instances"). */
const PARTITION_SETTINGS = ['CXPULSE_PARTITIONS', 'CXPULSE_INSTANCES', 'CXPULSE_INSTANCE'];
const SETTINGS = new Set([...Object.keys(EnvSchema.properties), ...PARTITION_SETTINGS]);
const DEFAULT_STREAM = EnvSchema.properties.CXPULSE_STREAM.default;
const DEFAULT_CONSUMER = EnvSchema.properties.CXPULSE_CONSUMER.default;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  command?: string[];
  ports: { name: string; containerPort: number }[];
  env: EnvVar[];
  envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe: Probe;
  readinessProbe: Probe;
  startupProbe?: Probe;
  securityContext: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  securityContext: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  volumes: { name: string; emptyDir?: object; configMap?: { name: string } }[];
}
interface StatefulSet extends K8sObject {
  spec: { replicas?: number; serviceName: string; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}

const statefulSet = (objs: K8sObject[]): StatefulSet => one(objs, 'StatefulSet') as StatefulSet;
const engine = (objs: K8sObject[]): Container => {
  const c = statefulSet(objs).spec.template.spec.containers;
  expect(c).toHaveLength(1);
  return c[0] as Container;
};
const envVar = (c: Container, name: string): EnvVar | undefined => c.env.find((e) => e.name === name);
const configMap = (objs: K8sObject[]): Record<string, string> => (one(objs, 'ConfigMap', 'cxpulse').data ?? {}) as Record<string, string>;
const secretData = (objs: K8sObject[]): Record<string, string> =>
  Object.fromEntries(Object.entries((one(objs, 'Secret').data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
/** The container port a probe targets (by name or number). */
const probePort = (c: Container, p: Probe): number =>
  typeof p.httpGet.port === 'number' ? p.httpGet.port : (c.ports.find((x) => x.name === p.httpGet.port)?.containerPort ?? NaN);

describe.skipIf(!HELM)('Helm chart deploy/helm/cxpulse', () => {
  it('passes helm lint, alone and with the value sets below', () => {
    expect(helm(['lint', '--strict', CHART])).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    const sets = [['replicaCount=3'], ['autoscaling.enabled=true'], ['secrets.existingSecret=cx-creds'], ['ops.port=0', 'serviceMonitor.enabled=true']];
    for (const s of sets) expect(helm(['lint', '--strict', CHART, ...s.flatMap((v) => ['--set', v])])).toMatch(/0 chart\(s\) failed/);
  });

  describe('default values', () => {
    // Rendered in beforeAll, not while collecting: without helm the suite is skipped, not broken.
    let objs: K8sObject[];
    let sts: StatefulSet;
    let c: Container;
    let cm: Record<string, string>;
    beforeAll(() => {
      objs = render();
      sts = statefulSet(objs);
      c = engine(objs);
      cm = configMap(objs);
    });

    it('renders a StatefulSet of one instance with its Services, ConfigMap, Secret and no ScaledObject', () => {
      expect(objs.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'PodDisruptionBudget', 'Secret', 'Service', 'Service', 'Service', 'StatefulSet']);
      expect(sts.spec.replicas).toBe(1);
      expect(objs.some((o) => o.kind === 'ScaledObject' || o.kind === 'ServiceMonitor')).toBe(false);
      // The governing Service exists, so pods get stable names <statefulset>-<ordinal>.
      expect(one(objs, 'Service', sts.spec.serviceName).spec).toMatchObject({ clusterIP: 'None' });
    });

    it('takes CXPULSE_INSTANCE from the pod name and CXPULSE_INSTANCES from the replica count', () => {
      expect(envVar(c, 'CXPULSE_INSTANCE')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
      expect(envVar(c, 'CXPULSE_INSTANCES')?.value).toBe('1');
      expect(cm.CXPULSE_PARTITIONS).toBe('12');
      expect(c.command).toEqual(['node', 'bin/cxpulse.js', 'start']);
    });

    it('probes /healthz for liveness and /readyz for readiness on the ops port the engine is told to serve them on', () => {
      expect(c.livenessProbe.httpGet.path).toBe('/healthz');
      expect(c.startupProbe?.httpGet.path).toBe('/healthz');
      expect(c.readinessProbe.httpGet.path).toBe('/readyz');
      for (const p of [c.livenessProbe, c.readinessProbe]) expect(probePort(c, p)).toBe(Number(cm.CXPULSE_OPS_PORT));
      expect(probePort(c, c.livenessProbe)).not.toBe(Number(cm.PORT));
    });

    it('serves the API on the main Service and /metrics on the ops Service only', () => {
      const api = one(objs, 'Service', 'cxpulse').spec as { ports: { port: number; targetPort: string }[] };
      expect(api.ports).toEqual([expect.objectContaining({ port: Number(cm.PORT), targetPort: 'http' })]);
      expect(c.ports.find((p) => p.name === 'http')?.containerPort).toBe(Number(cm.PORT));
      const ops = one(objs, 'Service', 'cxpulse-ops').spec as { ports: { port: number }[] };
      expect(ops.ports.map((p) => p.port)).toEqual([Number(cm.CXPULSE_OPS_PORT)]);
    });

    it('listens on every interface, wired to NATS, ClickHouse and the engine\'s stream and consumer', () => {
      expect(cm.HOST).toBe('0.0.0.0');
      expect(parseNatsServers(cm.NATS_URL ?? '').map((u) => new URL(u).protocol)).toEqual(['nats:']);
      expect(cm.CXPULSE_NATS_REPLICAS).toBeUndefined();
      expect(new URL(cm.CLICKHOUSE_URL ?? '').protocol).toBe('http:');
      expect(cm.CXPULSE_STREAM).toBe(DEFAULT_STREAM);
      expect(cm.CXPULSE_CONSUMER).toBe(DEFAULT_CONSUMER);
    });

    it('sets only settings the engine knows', () => {
      for (const k of [...Object.keys(cm), ...c.env.map((e) => e.name), ...Object.keys(secretData(objs))]) expect(SETTINGS, k).toContain(k);
    });

    it('keeps credentials in the Secret, referenced with envFrom after the ConfigMap', () => {
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'cxpulse' } }, { secretRef: { name: one(objs, 'Secret').metadata.name } }]);
      const s = secretData(objs);
      // Generated when not given: the engine on 0.0.0.0 needs the token secret, and every instance the same pseudonym key.
      expect(s.CXPULSE_JWT_SECRET?.length).toBeGreaterThanOrEqual(32);
      expect(s.CXPULSE_PSEUDONYM_KEY?.length).toBeGreaterThanOrEqual(32);
      for (const k of Object.keys(s)) expect(cm, k).not.toHaveProperty(k);
    });

    it('runs as non-root on a read-only root file system, writing only to emptyDirs at CXPULSE_DATA_DIR and /tmp', () => {
      const pod = sts.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      const mounts = new Map(c.volumeMounts.map((m) => [m.mountPath, m.name]));
      for (const path of [cm.CXPULSE_DATA_DIR, '/tmp']) {
        const vol = pod.volumes.find((v) => v.name === mounts.get(path ?? ''));
        expect(vol?.emptyDir, `${path} is an emptyDir`).toBeDefined();
      }
      // The same data dir as the image (Dockerfile ENV), where it belongs to the node user.
      expect(readFileSync(join(CHART, '..', '..', '..', 'Dockerfile'), 'utf8')).toContain(`CXPULSE_DATA_DIR=${cm.CXPULSE_DATA_DIR}`);
      expect(pod.automountServiceAccountToken).toBe(false);
    });
  });

  it('with replicaCount 3 every pod is told N = 3', () => {
    const objs = render({ replicaCount: 3 });
    expect(statefulSet(objs).spec.replicas).toBe(3);
    expect(envVar(engine(objs), 'CXPULSE_INSTANCES')?.value).toBe('3');
    expect(envVar(engine(objs), 'CXPULSE_INSTANCE')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
  });

  it('passes a NATS cluster\'s server list and the stream replicas on as the engine reads them, and refuses a replica count out of range', () => {
    const cm = configMap(render({ 'nats.url': 'nats://nats-0.nats:4222,nats://nats-1.nats:4222,nats://nats-2.nats:4222', 'nats.replicas': 3 }));
    expect(cm.CXPULSE_NATS_REPLICAS).toBe('3');
    const cfg = loadConfig({ NATS_URL: cm.NATS_URL, CXPULSE_NATS_REPLICAS: cm.CXPULSE_NATS_REPLICAS });
    expect(cfg.CXPULSE_NATS_REPLICAS).toBe(3);
    expect(parseNatsServers(cfg.NATS_URL ?? '')).toHaveLength(3);
    expect(() => render({ 'nats.replicas': 7 })).toThrow(/nats.replicas 7: expected 1..5/);
  });

  it('passes the ClickHouse cluster on only when set, as the engine reads it', () => {
    expect(configMap(render()).CXPULSE_CLICKHOUSE_CLUSTER).toBeUndefined();
    const cm = configMap(render({ 'clickhouse.cluster': 'cxpulse' }));
    expect(loadConfig({ CXPULSE_CLICKHOUSE_CLUSTER: cm.CXPULSE_CLICKHOUSE_CLUSTER }).CXPULSE_CLICKHOUSE_CLUSTER).toBe('cxpulse');
  });

  it('refuses more replicas than partitions, and settings it owns or credentials in config', () => {
    expect(() => render({ replicaCount: 13 })).toThrow(/replicaCount 13 is above partitions 12/);
    expect(() => render({ replicaCount: 4, partitions: 3 })).toThrow(/above partitions 3/);
    expect(() => render({ 'autoscaling.enabled': true, 'autoscaling.maxReplicas': 20 })).toThrow(/maxReplicas 20 is above partitions 12/);
    expect(() => render({ 'config.CXPULSE_INSTANCES': '2' })).toThrow(/set by the chart/);
    expect(() => render({ 'config.CLICKHOUSE_PASSWORD': 'pw' })).toThrow(/is a credential/);
  });

  it('puts given credentials in the Secret and nowhere else', () => {
    const given = { 'secrets.clickhousePassword': 'ch-pass-7f3a', 'secrets.jwtSecret': 'j'.repeat(40), 'secrets.pseudonymKey': 'p'.repeat(40), 'secrets.natsUrl': 'nats://eng:nats-pass-91c@nats:4222' };
    const objs = render(given);
    expect(secretData(objs)).toMatchObject({ CLICKHOUSE_PASSWORD: 'ch-pass-7f3a', CXPULSE_JWT_SECRET: 'j'.repeat(40), CXPULSE_PSEUDONYM_KEY: 'p'.repeat(40), NATS_URL: given['secrets.natsUrl'] });
    const outside = JSON.stringify(objs.filter((o) => o.kind !== 'Secret'));
    for (const v of ['ch-pass-7f3a', 'j'.repeat(40), 'p'.repeat(40), 'nats-pass-91c']) expect(outside).not.toContain(v);
  });

  it('with secrets.existingSecret makes no Secret and reads that one', () => {
    const objs = render({ 'secrets.existingSecret': 'cx-creds', 'secrets.clickhousePassword': 'ignored-pw' });
    expect(objs.some((o) => o.kind === 'Secret')).toBe(false);
    expect(engine(objs).envFrom).toContainEqual({ secretRef: { name: 'cx-creds' } });
    expect(JSON.stringify(objs)).not.toContain('ignored-pw');
  });

  describe('autoscaling on (KEDA)', () => {
    let objs: K8sObject[];
    let sts: StatefulSet;
    let c: Container;
    beforeAll(() => {
      objs = render({ 'autoscaling.enabled': true, 'autoscaling.maxReplicas': 6, 'nats.monitoringEndpoint': 'nats-headless.nats:8222' });
      sts = statefulSet(objs);
      c = engine(objs);
    });

    it('has a ScaledObject on the StatefulSet with a nats-jetstream trigger on each of the engine\'s consumers of its partitions', () => {
      const so = one(objs, 'ScaledObject') as K8sObject & {
        spec: { scaleTargetRef: { kind: string; name: string }; minReplicaCount: number; maxReplicaCount: number; triggers: { type: string; metadata: Record<string, string> }[] };
      };
      expect(so.apiVersion).toBe('keda.sh/v1alpha1');
      expect(so.spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: sts.metadata.name });
      expect(so.spec.maxReplicaCount).toBe(6);
      const cm = configMap(objs);
      expect(cm.CXPULSE_CONSUMER).toBe(DEFAULT_CONSUMER);
      // The consumers all instances together pull from: every partition's and the legacy one (engine/bus/partition.ts).
      const P = Number(cm.CXPULSE_PARTITIONS);
      expect(P).toBeGreaterThan(1);
      const all = consumersFor(cm.CXPULSE_CONSUMER!, P, Array.from({ length: P }, (_, k) => k)).map((c) => c.name);
      expect(all).toHaveLength(P + 1);
      expect(so.spec.triggers.map((t) => t.metadata.consumer)).toEqual(all);
      for (const t of so.spec.triggers) {
        expect(t.type).toBe('nats-jetstream');
        expect(t.metadata).toMatchObject({ natsServerMonitoringEndpoint: 'nats-headless.nats:8222', account: '$G', stream: cm.CXPULSE_STREAM, lagThreshold: '400' });
      }
      expect(cm.CXPULSE_STREAM).toBe(DEFAULT_STREAM);
    });

    it('with one partition has one trigger, on the engine\'s one consumer', () => {
      const single = render({ 'autoscaling.enabled': true, partitions: 1, 'autoscaling.maxReplicas': 1 });
      const so = one(single, 'ScaledObject') as K8sObject & { spec: { triggers: { metadata: { consumer: string } }[] } };
      expect(so.spec.triggers.map((t) => t.metadata.consumer)).toEqual(consumersFor(configMap(single).CXPULSE_CONSUMER!, 1, [0]).map((c) => c.name));
      expect(so.spec.triggers.map((t) => t.metadata.consumer)).toEqual([DEFAULT_CONSUMER]);
    });

    it('leaves the replica count to KEDA and has the pods read it through the watcher, allowed to read that scale only', () => {
      expect(sts.spec.replicas).toBeUndefined();
      expect(envVar(c, 'CXPULSE_INSTANCES')).toBeUndefined();
      expect(envVar(c, 'CXPULSE_STATEFULSET')?.value).toBe(sts.metadata.name);
      expect(c.command?.slice(0, 2)).toEqual(['node', '/etc/cxpulse/instances.mjs']);
      expect(c.command?.slice(2)).toEqual(['node', 'bin/cxpulse.js', 'start']);
      const pod = sts.spec.template.spec;
      const watcherVolume = pod.volumes.find((v) => v.name === c.volumeMounts.find((m) => m.mountPath === '/etc/cxpulse')?.name);
      const watcher = one(objs, 'ConfigMap', watcherVolume?.configMap?.name);
      expect((watcher.data as Record<string, string>)['instances.mjs']).toBe(readFileSync(join(CHART, 'files', 'instances.mjs'), 'utf8').trimEnd());
      expect(pod.automountServiceAccountToken).toBe(true);
      const role = one(objs, 'Role') as K8sObject & { rules: { apiGroups: string[]; resources: string[]; resourceNames: string[]; verbs: string[] }[] };
      expect(role.rules).toEqual([{ apiGroups: ['apps'], resources: ['statefulsets/scale'], resourceNames: [sts.metadata.name], verbs: ['get'] }]);
      const binding = one(objs, 'RoleBinding') as K8sObject & { subjects: { name: string }[]; roleRef: { name: string } };
      expect(binding.roleRef.name).toBe(role.metadata.name);
      expect(binding.subjects.map((s) => s.name)).toEqual([pod.serviceAccountName]);
      expect(one(objs, 'ServiceAccount').metadata.name).toBe(pod.serviceAccountName);
    });

    it('gives one trigger per listed consumer', () => {
      const two = render({ 'autoscaling.enabled': true, 'autoscaling.consumers[0]': 'cx-a', 'autoscaling.consumers[1]': 'cx-b' });
      const so = one(two, 'ScaledObject') as K8sObject & { spec: { triggers: { metadata: { consumer: string } }[] } };
      expect(so.spec.triggers.map((t) => t.metadata.consumer)).toEqual(['cx-a', 'cx-b']);
    });
  });

  it('with ops.port 0 probes and scrapes the API port, and the ServiceMonitor scrapes /metrics', () => {
    const objs = render({ 'ops.port': 0, 'serviceMonitor.enabled': true });
    const c = engine(objs);
    const cm = configMap(objs);
    expect(cm).not.toHaveProperty('CXPULSE_OPS_PORT');
    expect(probePort(c, c.readinessProbe)).toBe(Number(cm.PORT));
    const sm = one(objs, 'ServiceMonitor') as K8sObject & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] } };
    expect(sm.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    // Exactly one Service matches, so each pod is scraped once.
    const matches = (o: K8sObject) => Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v);
    expect(objs.filter((o) => o.kind === 'Service' && matches(o)).map((o) => o.metadata.name)).toEqual(['cxpulse']);
    expect(objs.some((o) => o.metadata.name === 'cxpulse-ops')).toBe(false);
  });

  it('says in values.yaml how the replica count and the partitions relate', () => {
    const text = readFileSync(join(CHART, 'values.yaml'), 'utf8');
    const values = parse(text) as Record<string, unknown>;
    expect(Object.keys(values)).toEqual(expect.arrayContaining(['replicaCount', 'partitions', 'secrets', 'autoscaling']));
    expect(text).toMatch(/changing replicaCount reassigns partitions/);
    expect(text).toMatch(/`partitions` bounds the useful replica count/);
  });
});
