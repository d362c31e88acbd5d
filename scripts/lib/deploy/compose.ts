/**
 * deploy/compose.yaml: one service per model, hardened as the image tests
 * run them (test/support/containers.ts): non-root, read-only root, no
 * capabilities, no-new-privileges, no network. Shared folders:
 *
 *   vas      tmpfs  /dev/shm/vas   written by the producer (the video service), read-only in models
 *   sockets  tmpfs  /run/ruth-ai   each model binds vas_model_<id>.sock; the caller connects
 *
 * The `demo` profile adds the frame producer (the bundled clip, looped) and
 * a watcher on the demo model that writes drawn frames and a GIF.
 */
import { HEADER, MODEL_ENV, PATHS, toYaml, demoModel, type DeployModel } from './facts.js';

const HARDENED = {
  read_only: true,
  cap_drop: ['ALL'],
  security_opt: ['no-new-privileges:true'],
  network_mode: 'none',
};

const image = (name: string, version: string): string => `\${NAMESPACE:-ruth-ai}/${name}:${version}`;

function modelService(m: DeployModel): Record<string, unknown> {
  return {
    image: image(m.id, m.version),
    user: '10001:10001',
    ...HARDENED,
    environment: { ...MODEL_ENV },
    volumes: [
      { type: 'volume', source: 'vas', target: PATHS.vas, read_only: true },
      { type: 'volume', source: 'sockets', target: PATHS.sockets },
    ],
    // The heartbeat file; nothing else is writable.
    tmpfs: ['/tmp:size=16m'],
    // Generous: on a busy host loading takes minutes and one `ruth-model health` (a Node start) seconds.
    healthcheck: { test: ['CMD', 'ruth-model', 'health'], interval: '10s', timeout: '30s', retries: 3, start_period: '300s', start_interval: '2s' },
    stop_grace_period: '15s',
    restart: 'unless-stopped',
    ...(m.memoryMb || m.gpu
      ? {
          deploy: {
            resources: {
              ...(m.memoryMb ? { limits: { memory: `${m.memoryMb}M` } } : {}),
              ...(m.gpu ? { reservations: { devices: [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }] } } : {}),
            },
          },
        }
      : {}),
  };
}

function demoServices(target: DeployModel, runtimeVersion: string): Record<string, unknown> {
  const tools = image('frame-producer', runtimeVersion);
  return {
    producer: {
      profiles: ['demo'],
      image: tools,
      user: '10001:10001',
      ...HARDENED,
      command: ['produce', '--source', PATHS.clip, '--camera', 'demo', '--vas-dir', PATHS.vas, '--fps', '${RUTH_DEMO_FPS:-10}', '--loop'],
      volumes: [{ type: 'volume', source: 'vas', target: PATHS.vas }],
      stop_grace_period: '5s',
    },
    watcher: {
      profiles: ['demo'],
      image: tools,
      // Root without capabilities writes the output folder Docker creates
      // (root-owned); group 10001 reaches the model's 0660 socket.
      user: '${RUTH_DEMO_UID:-0}:10001',
      ...HARDENED,
      command: [
        'watch', '--socket', `${PATHS.sockets}/vas_model_${target.id}.sock`, '--camera', 'demo', '--vas-dir', PATHS.vas,
        '--out', '/out', '--frames', '${RUTH_DEMO_FRAMES:-60}',
      ],
      tmpfs: ['/tmp:size=16m'],
      volumes: [
        { type: 'volume', source: 'vas', target: PATHS.vas, read_only: true },
        { type: 'volume', source: 'sockets', target: PATHS.sockets },
        { type: 'bind', source: '${RUTH_DEMO_OUT:-./demo-output}', target: '/out', bind: { create_host_path: true } },
      ],
      depends_on: { [target.id]: { condition: 'service_healthy' }, producer: { condition: 'service_started' } },
    },
  };
}

export function renderCompose(models: readonly DeployModel[], runtimeVersion: string): string {
  const target = demoModel(models);
  const doc = {
    name: 'ruth-ai',
    services: {
      ...Object.fromEntries(models.map((m) => [m.id, modelService(m)])),
      ...(target ? demoServices(target, runtimeVersion) : {}),
    },
    volumes: {
      vas: { driver_opts: { type: 'tmpfs', device: 'tmpfs', o: 'size=256m,uid=10001,gid=10001,mode=0755' } },
      sockets: { driver_opts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m,uid=10001,gid=10001,mode=0770' } },
    },
  };
  const usage = [
    '#   docker compose -f deploy/compose.yaml up -d                                   every model',
    '#   docker compose -f deploy/compose.yaml --profile demo up --exit-code-from watcher   the demo (docs/deploy.md)',
    '# Images: ${NAMESPACE:-ruth-ai}/<id>:<version>, as docker-bake.hcl tags them.',
  ].join('\n');
  return `${HEADER('docker compose')}${usage}\n${toYaml(doc)}`;
}
