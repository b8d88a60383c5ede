import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { decideLaunch, headlessNotice, watchStartup } from '../../main/electron/launch-decision.js';
import type { ChildLike, LaunchProbe } from '../../main/electron/launch-decision.js';

const BIN = '/repo/node_modules/electron/dist/electron';

function probe(over: Partial<LaunchProbe> = {}): LaunchProbe {
  return {
    platform: 'linux',
    env: { DISPLAY: ':0' },
    resolveElectron: () => BIN,
    exists: (p) => p === BIN,
    ...over,
  };
}

test('binary and display present: electron', () => {
  assert.deepEqual(decideLaunch(probe()), { mode: 'electron', binary: BIN });
  assert.deepEqual(decideLaunch(probe({ env: { WAYLAND_DISPLAY: 'wayland-0' } })), { mode: 'electron', binary: BIN });
});

test('the electron package has no binary (it throws): headless', () => {
  const d = decideLaunch(
    probe({
      resolveElectron: () => {
        throw new Error('Electron failed to install correctly, please delete node_modules/electron\nand try again');
      },
    }),
  );
  assert.equal(d.mode, 'headless');
  assert.match(d.mode === 'headless' ? d.reason : '', /^no Electron binary: Electron failed to install correctly/);
  assert.ok(d.mode === 'headless' && !d.reason.includes('\n'));
});

test('the binary path points at nothing: headless', () => {
  const d = decideLaunch(probe({ exists: () => false }));
  assert.deepEqual(d, { mode: 'headless', reason: `no Electron binary at ${BIN}` });
});

test('Linux without DISPLAY or WAYLAND_DISPLAY: headless', () => {
  for (const env of [{}, { DISPLAY: '' }, { WAYLAND_DISPLAY: '' }]) {
    const d = decideLaunch(probe({ env }));
    assert.equal(d.mode, 'headless');
    assert.match(d.mode === 'headless' ? d.reason : '', /no display/);
  }
});

test('macOS and Windows do not need DISPLAY', () => {
  assert.equal(decideLaunch(probe({ platform: 'darwin', env: {} })).mode, 'electron');
  assert.equal(decideLaunch(probe({ platform: 'win32', env: {} })).mode, 'electron');
});

test('MAILTAP_HEADLESS=1 forces headless even with Electron available', () => {
  assert.equal(decideLaunch(probe({ env: { DISPLAY: ':0', MAILTAP_HEADLESS: '1' } })).mode, 'headless');
});

test('the notice is one line that names the reason', () => {
  const line = headlessNotice('no display: neither DISPLAY nor WAYLAND_DISPLAY is set');
  assert.equal(line, 'Electron could not start (no display: neither DISPLAY nor WAYLAND_DISPLAY is set); serving the UI headless instead');
});

// ---------------------------------------------------------------- the first seconds of the child

class FakeChild extends EventEmitter implements ChildLike {
  readonly stderr = new EventEmitter();
}

/** Timers under test control: `fire()` plays the grace period running out. */
function manualTimer() {
  let fn: (() => void) | null = null;
  let cleared = false;
  return {
    opts: { graceMs: 3000, setTimeout: (f: () => void) => ((fn = f), 1), clearTimeout: () => void (cleared = true) },
    fire: () => fn?.(),
    get cleared() {
      return cleared;
    },
  };
}

test('a child that dies early with an error: failed, with its last stderr line', async () => {
  const child = new FakeChild();
  const t = manualTimer();
  const outcome = watchStartup(child, t.opts);
  child.stderr.emit('data', Buffer.from('[123:ERROR:ozone_platform_x11.cc] Missing X server or $DISPLAY\n'));
  child.stderr.emit('data', 'The futex facility returned an unexpected error code.\n\n');
  child.emit('exit', 1, null);
  assert.deepEqual(await outcome, { kind: 'failed', reason: 'The futex facility returned an unexpected error code.' });
  assert.equal(t.cleared, true);
});

test('a silent early non-zero exit: failed with the exit code', async () => {
  const child = new FakeChild();
  const outcome = watchStartup(child, manualTimer().opts);
  child.emit('exit', 127, null);
  assert.deepEqual(await outcome, { kind: 'failed', reason: 'exit code 127' });
});

test('a spawn error: failed', async () => {
  const child = new FakeChild();
  const outcome = watchStartup(child, manualTimer().opts);
  child.emit('error', Object.assign(new Error('spawn /x/electron EACCES'), { code: 'EACCES' }));
  assert.deepEqual(await outcome, { kind: 'failed', reason: 'spawn /x/electron EACCES' });
});

test('still running after the grace period: running, and a later crash no longer counts', async () => {
  const child = new FakeChild();
  const t = manualTimer();
  const outcome = watchStartup(child, t.opts);
  t.fire();
  child.emit('exit', 1, null);
  assert.deepEqual(await outcome, { kind: 'running' });
});

test('an early clean exit (another instance took over) or a signal: exited, not failed', async () => {
  const a = new FakeChild();
  const pa = watchStartup(a, manualTimer().opts);
  a.emit('exit', 0, null);
  assert.deepEqual(await pa, { kind: 'exited', code: 0, signal: null });
  const b = new FakeChild();
  const pb = watchStartup(b, manualTimer().opts);
  b.emit('exit', null, 'SIGINT');
  assert.deepEqual(await pb, { kind: 'exited', code: null, signal: 'SIGINT' });
});
