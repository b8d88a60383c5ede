// Runs the whole suite with node's test runner (TypeScript through tsx) and ends with the
// plain line "N passed, N failed" that CI reads. Arguments filter the test files by substring.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dirs = ['test/unit', 'test/integration', 'test/e2e'];
const filters = process.argv.slice(2);

function walk(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.test\.(ts|tsx|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

const files = dirs
  .flatMap((d) => walk(join(root, d)))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));

if (files.length === 0) {
  console.error('no test files matched');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

mkdirSync(join(root, 'test-artifacts'), { recursive: true });
const countsFile = join(root, 'test-artifacts', `counts-${process.pid}.json`);
const args = [
  '--import', 'tsx',
  '--test',
  '--test-concurrency=2',
  // A safety net, so that one broken test cannot hang CI: a test, or a test file whose process
  // does not end (a failed test that left a server open), fails after 5 minutes; none takes a
  // tenth of that. (--test-force-exit would also end such a file, but before the count
  // reporter has written its counts.)
  '--test-timeout=300000',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=./test/helpers/count-reporter.mjs', `--test-reporter-destination=${countsFile}`,
  ...files,
];
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, MAILTAP_TEST: '1' } });
child.on('exit', (code, signal) => {
  let counts = { passed: 0, failed: 0, skipped: 0 };
  try { counts = JSON.parse(readFileSync(countsFile, 'utf8')); } catch { counts.failed += 1; }
  rmSync(countsFile, { force: true });
  if (code !== 0 && counts.failed === 0) counts.failed = 1; // a crash outside any test still fails
  console.log(`${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  process.exit(code ?? (signal ? 1 : 0));
});
