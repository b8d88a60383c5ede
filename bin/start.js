#!/usr/bin/env node
// `npm start`: open the desktop app when Electron can run here; otherwise say why in one line
// and serve the same UI headless, in this process. Run after `npm run build`: the decision
// logic is main/electron/launch-decision.ts, compiled to dist/ (and unit-tested there).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

async function loadBuilt(rel) {
  const file = join(root, 'dist', rel);
  if (!existsSync(file)) {
    console.error(`mailtap is not built (dist/${rel} is missing): run \`npm run build\` first`);
    process.exit(1);
  }
  return import(pathToFileURL(file).href);
}

const { decideLaunch, headlessNotice, watchStartup } = await loadBuilt('main/electron/launch-decision.js');

async function serveHeadless(reason) {
  console.log(headlessNotice(reason));
  const cli = await loadBuilt('main/cli.js');
  // `mailtap serve` with its defaults: 127.0.0.1, the standard ports; it prints the UI URL.
  if (typeof cli.serve === 'function') return cli.serve({});
  if (typeof cli.main === 'function') return cli.main(['serve']);
  throw new Error('dist/main/cli.js exports neither serve() nor main()');
}

const decision = decideLaunch({
  platform: process.platform,
  env: process.env,
  // The electron package's main export is the path of its binary (it throws when none was installed).
  resolveElectron: () => require('electron'),
  exists: existsSync,
});

if (decision.mode === 'headless') {
  await serveHeadless(decision.reason);
} else {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // set, it would make the binary act as plain Node
  const child = spawn(decision.binary, [root, ...process.argv.slice(2)], { stdio: ['inherit', 'inherit', 'pipe'], env });
  child.stderr.pipe(process.stderr); // Electron's own messages stay visible; watchStartup also reads them

  // Ctrl-C reaches Electron too; wait for its clean quit instead of dying first.
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);

  const outcome = await watchStartup(child);
  if (outcome.kind === 'failed') {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    await serveHeadless(outcome.reason);
  } else if (outcome.kind === 'exited') {
    process.exit(outcome.code ?? 0); // exit 0 early: another instance took over
  } else {
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  }
}
