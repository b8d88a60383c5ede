#!/usr/bin/env node
// The `mailtap` command: runs the built CLI (dist/main/cli.js), or the TypeScript sources
// through tsx when the build is missing (a development checkout).
process.env.UV_THREADPOOL_SIZE ??= '16'; // before any fs work: see main/threadpool.ts
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/main/cli.js', import.meta.url));
let cli;
if (existsSync(built)) cli = await import(pathToFileURL(built).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../main/cli.ts');
}
try {
  const code = await cli.main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
} catch (e) {
  console.error(`mailtap: ${e.message}`);
  process.exit(2);
}
