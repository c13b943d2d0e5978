/**
 * The deployment files: the alert rules checked and unit-tested with promtool, the Kubernetes
 * manifests validated against the Kubernetes schemas (kubernetes-models, offline), the Dockerfile's
 * stages, user and health check, and the dashboard's shape (its queries run against a real Prometheus
 * in `prometheus-scrape.test.ts`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const k8s = join(root, 'deploy/k8s');
const promtool = (...args: string[]): string => execFileSync('promtool', args, { cwd: join(root, 'deploy/prometheus'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A schema-validating model per kind this base uses; an unknown kind fails the test. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string };
}

function manifests(): { file: string; doc: Manifest }[] {
  const kustomization = parse(readFileSync(join(k8s, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  return kustomization.resources.flatMap((file) => parseAllDocuments(readFileSync(join(k8s, file), 'utf8')).map((doc) => ({ file, doc: doc.toJS() as Manifest })));
}

describe('deploy/prometheus/alerts.yml', () => {
  it('should pass promtool check rules', () => {
    expect(promtool('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: 7 rules found/);
  });

  it('should pass its promtool unit tests (alerts.test.yml), one test group per alert', () => {
    expect(promtool('test', 'rules', 'alerts.test.yml')).toMatch(/SUCCESS/);
    const alerts = (parse(readFileSync(join(root, 'deploy/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string }[] }[] }).groups.flatMap((g) => g.rules.map((r) => r.alert));
    const tests = parse(readFileSync(join(root, 'deploy/prometheus/alerts.test.yml'), 'utf8')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const firing = new Set(tests.tests.flatMap((t) => t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    expect([...firing].sort()).toEqual([...alerts].sort());
  });
});

describe('deploy/k8s (kustomize base)', () => {
  it('should list only files that exist, each a manifest valid against the Kubernetes schema', () => {
    const kustomization = parse(readFileSync(join(k8s, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect(kustomization.resources.filter((file) => !existsSync(join(k8s, file)))).toEqual([]);
    const all = manifests();
    for (const { file, doc } of all) {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model, `${file}: ${doc.apiVersion} ${doc.kind}`).toBeDefined();
      expect(() => new Model!(doc as never).validate(), `${file}: ${doc.kind} ${doc.metadata.name}`).not.toThrow();
    }
    expect(all.map(({ doc }) => doc.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service', 'Service']);
  });

  it('should catch a manifest the schema refuses (the validation is not a no-op)', () => {
    const gateway = manifests().find(({ doc }) => doc.kind === 'Deployment' && doc.metadata.name === 'market-data-backbone')!.doc as unknown as IDeployment;
    const broken = structuredClone(gateway) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = 'three';
    expect(() => new Deployment(broken as never).validate()).toThrow(/replicas must be integer/);
  });

  it('should give the gateway probes, resources, a non-root user and its secrets by reference', () => {
    const gateway = manifests().find(({ doc }) => doc.kind === 'Deployment' && doc.metadata.name === 'market-data-backbone')!.doc as unknown as IDeployment;
    const pod = gateway.spec!.template.spec!;
    const [container] = pod.containers;
    expect(container!.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container!.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container!.startupProbe?.httpGet?.path).toBe('/healthz');
    expect(container!.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container!.resources?.limits).toMatchObject({ memory: expect.any(String) });
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    const secrets = (container!.env ?? []).filter((e) => e.valueFrom?.secretKeyRef !== undefined).map((e) => e.name);
    expect(secrets).toEqual(['UPBIT_ACCESS_KEY', 'UPBIT_SECRET_KEY', 'MDB_GATEWAY_TOKENS']);
    expect((container!.env ?? []).every((e) => e.value === undefined)).toBe(true);
    // The replicas find Redis at the Service this base creates.
    const config = manifests().find(({ doc }) => doc.kind === 'ConfigMap')!.doc as unknown as { data: Record<string, string> };
    const redisService = manifests().find(({ doc }) => doc.kind === 'Service' && doc.metadata.name.endsWith('-redis'))!.doc.metadata.name;
    expect(config.data['MDB_REDIS_URL']).toBe(`redis://${redisService}:6379`);
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const stages = text.split(/^FROM /m).slice(1);

  it('should build in one stage and run from another, as a non-root user, with a health check', () => {
    expect(stages.map((stage) => /^\S+\s+AS\s+(\S+)/i.exec(stage)?.[1])).toEqual(['build', 'runtime']);
    const runtime = stages.at(-1)!;
    expect(runtime).toMatch(/^COPY --from=build /m);
    const user = /^USER\s+(\S+)/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["node", "dist\/cli\/mdb\.js"\]/m);
    // The build's dev dependencies stay behind: the runtime stage installs nothing.
    expect(runtime).not.toMatch(/npm (ci|install)/);
  });
});

describe('deploy/grafana/market-data-backbone.json', () => {
  it('should be a dashboard whose every panel queries a metric of the library', () => {
    const dashboard = JSON.parse(readFileSync(join(root, 'deploy/grafana/market-data-backbone.json'), 'utf8')) as { uid: string; panels: { type: string; targets?: { expr: string }[] }[] };
    expect(dashboard.uid).toBe('market-data-backbone');
    const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
    expect(panels.length).toBeGreaterThan(10);
    for (const panel of panels) {
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const { expr } of panel.targets!) expect(expr).toMatch(/\b(mdb_[a-z_]+|up)\b/);
    }
  });
});
