/**
 * deploy/kubernetes/: a kustomize base running every model as a container of
 * one DaemonSet pod per node, and an overlay that adds a second model (the
 * one `npm run new-model -- people-counter` scaffolds) beside them.
 *
 * The platform's own containers (the video service that writes
 * /dev/shm/vas, the core that calls the sockets) join the same pod from the
 * user's overlay; they share the pod's two memory-backed emptyDirs:
 *
 *   vas      /dev/shm/vas   frames, written by the video service, read-only in models
 *   sockets  /run/ruth-ai   vas_model_<id>.sock, one per model
 */
import { HEADER, MODEL_ENV, PATHS, toYaml, type DeployModel } from './facts.js';

const APP = 'ruth-ai-models';
const RUNTIME_UID = 10001;

/** The probe command: exit 0 only when the model answers its socket and says ready. */
const HEALTH = { exec: { command: ['ruth-model', 'health'] }, timeoutSeconds: 15 }; // a Node start on a busy node takes seconds

export function modelContainer(m: DeployModel): Record<string, unknown> {
  const memory = m.memoryMb ? `${m.memoryMb}Mi` : undefined;
  const resources = {
    ...(memory ? { requests: { memory } } : {}),
    ...(memory || m.gpu ? { limits: { ...(memory ? { memory } : {}), ...(m.gpu ? { 'nvidia.com/gpu': 1 } : {}) } } : {}),
  };
  return {
    name: m.id,
    image: `ruth-ai/${m.id}:${m.version}`,
    imagePullPolicy: 'IfNotPresent',
    env: [...Object.entries(MODEL_ENV).map(([name, value]) => ({ name, value })), { name: 'RUTH_HEARTBEAT_DIR', value: '/tmp' }],
    resources,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUNTIME_UID,
      runAsGroup: RUNTIME_UID,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [
      { name: 'vas', mountPath: PATHS.vas, readOnly: true },
      { name: 'sockets', mountPath: PATHS.sockets },
      { name: `tmp-${m.id}`, mountPath: '/tmp' },
    ],
    // Loading weights and warming up may take a minute on a small node.
    startupProbe: { ...HEALTH, periodSeconds: 5, failureThreshold: 60 },
    readinessProbe: { ...HEALTH, periodSeconds: 10, failureThreshold: 1 },
    livenessProbe: { ...HEALTH, periodSeconds: 20, failureThreshold: 3 },
  };
}

export function tmpVolume(m: DeployModel): Record<string, unknown> {
  return { name: `tmp-${m.id}`, emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } };
}

function daemonSet(models: readonly DeployModel[]): Record<string, unknown> {
  const gpu = models.some((m) => m.gpu);
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: APP, labels: { 'app.kubernetes.io/name': APP, 'app.kubernetes.io/part-of': 'ruth-ai' } },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': APP } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': APP, 'app.kubernetes.io/part-of': 'ruth-ai' } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // The runtime drains in-flight requests on SIGTERM (RUTH_DRAIN_TIMEOUT_MS, 10 s).
          terminationGracePeriodSeconds: 30,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUNTIME_UID,
            runAsGroup: RUNTIME_UID,
            fsGroup: RUNTIME_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          ...(gpu ? { nodeSelector: { 'nvidia.com/gpu.present': 'true' } } : {}),
          containers: models.map(modelContainer),
          volumes: [
            { name: 'vas', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } },
            { name: 'sockets', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
            ...models.map(tmpVolume),
          ],
        },
      },
    },
  };
}

const yaml = (doc: unknown): string => toYaml(doc);

/** Files under deploy/kubernetes/, by relative path. */
export function renderKubernetes(models: readonly DeployModel[], second: DeployModel): Record<string, string> {
  const secondPatch = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: APP },
    spec: {
      template: {
        spec: {
          ...(second.gpu ? { nodeSelector: { 'nvidia.com/gpu.present': 'true' } } : {}),
          containers: [modelContainer(second)],
          volumes: [tmpVolume(second)],
        },
      },
    },
  };
  return {
    'base/kustomization.yaml': `${HEADER('kustomize base')}# kubectl apply -k deploy/kubernetes/base   (docs/deploy.md)\n${yaml({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['daemonset.yaml'],
    })}`,
    'base/daemonset.yaml': `${HEADER('kustomize base')}${yaml(daemonSet(models))}`,
    [`overlays/${second.id}/kustomization.yaml`]: `${HEADER('overlay example')}# The base plus a second model, ${second.id} (as \`npm run new-model -- ${second.id}\` scaffolds it),\n# in the same pod; images from a registry. kubectl apply -k deploy/kubernetes/overlays/${second.id}\n${yaml({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['../../base'],
      patches: [{ path: `${second.id}.yaml` }],
      images: [...models, second].map((m) => ({ name: `ruth-ai/${m.id}`, newName: `ghcr.io/ruth-ai/${m.id}` })),
    })}`,
    [`overlays/${second.id}/${second.id}.yaml`]: `${HEADER('overlay example')}${yaml(secondPatch)}`,
  };
}
