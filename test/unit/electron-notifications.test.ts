import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNotifier, describe as describeBatch } from '../../main/electron/notifications.js';
import type { NotificationContent, NotifierOptions, Timers } from '../../main/electron/notifications.js';
import { FakeApi, fakeMessage, fakeSettings } from '../helpers/fake-electron.js';

/** A manual clock: timers fire only when the test advances time. */
class FakeClock implements Timers {
  private t = 0;
  private seq = 0;
  private pending = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.pending.delete(h as number);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.pending.entries()].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.pending.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
  get size(): number {
    return this.pending.size;
  }
}

async function setup(notifications = true, over: Partial<NotifierOptions> = {}) {
  const api = new FakeApi({ 'settings.get': () => fakeSettings(notifications) });
  const clock = new FakeClock();
  const shown: NotificationContent[] = [];
  const notifier = createNotifier({ api, show: (c) => void shown.push(c), timers: clock, batchMs: 1000, minIntervalMs: 5000, ...over });
  await notifier.ready;
  return { api, clock, shown, notifier };
}

test('one message: its subject and sender, after the batch window', async () => {
  const { api, clock, shown } = await setup();
  api.emit('message.received', fakeMessage(1, { subject: 'Your invoice', from: { name: 'Billing', address: 'billing@shop.test' } }));
  clock.advance(999);
  assert.equal(shown.length, 0, 'not before the window closes');
  clock.advance(1);
  assert.deepEqual(shown, [{ title: 'Your invoice', body: 'From Billing <billing@shop.test>' }]);
});

test('a burst of 1000 messages is one "1000 new messages" notification', async () => {
  const { api, clock, shown } = await setup();
  for (let i = 1; i <= 1000; i++) api.emit('message.received', fakeMessage(i));
  clock.advance(60_000);
  assert.equal(shown.length, 1);
  assert.equal(shown[0]!.title, '1000 new messages');
  assert.match(shown[0]!.body, /Subject 1000/);
});

test('steady traffic is spaced by the minimum interval', async () => {
  const { api, clock, shown } = await setup();
  api.emit('message.received', fakeMessage(1));
  clock.advance(1000); // first notification at t=1000
  api.emit('message.received', fakeMessage(2));
  clock.advance(4999); // t=5999: within 5 s of the first
  assert.equal(shown.length, 1);
  api.emit('message.received', fakeMessage(3));
  clock.advance(1); // t=6000: 5 s after the first
  assert.equal(shown.length, 2);
  assert.equal(shown[1]!.title, '2 new messages');
});

test('switched off in settings: no notifications at all', async () => {
  const { api, clock, shown } = await setup(false);
  for (let i = 0; i < 10; i++) api.emit('message.received', fakeMessage(i));
  clock.advance(60_000);
  assert.deepEqual(shown, []);
  assert.equal(clock.size, 0, 'no timer left running');
});

test('switching off while a batch is pending drops it; switching on resumes', async () => {
  const { api, clock, shown } = await setup(true);
  api.emit('message.received', fakeMessage(1));
  api.emit('settings.changed', fakeSettings(false));
  assert.equal(clock.size, 0, 'the pending batch is dropped at once');
  clock.advance(10_000);
  api.emit('message.received', fakeMessage(2));
  clock.advance(10_000);
  assert.equal(shown.length, 0); // (deepEqual to [] would narrow `shown` to never[] below)
  api.emit('settings.changed', fakeSettings(true));
  api.emit('message.received', fakeMessage(3));
  clock.advance(10_000);
  assert.deepEqual(shown.map((s) => s.title), ['Subject 3']);
});

test('a settings.changed that beats the initial settings.get wins', async () => {
  let answer!: (v: unknown) => void;
  const api = new FakeApi({ 'settings.get': () => new Promise((r) => (answer = r)) });
  const clock = new FakeClock();
  const shown: NotificationContent[] = [];
  const notifier = createNotifier({ api, show: (c) => void shown.push(c), timers: clock, batchMs: 1000 });
  api.emit('settings.changed', fakeSettings(false));
  answer(fakeSettings(true)); // stale
  await notifier.ready;
  api.emit('message.received', fakeMessage(1));
  clock.advance(10_000);
  assert.deepEqual(shown, []);
});

test('unsupported platform, other events and dispose: nothing shown', async () => {
  const off = await setup(true, { isSupported: () => false });
  off.api.emit('message.received', fakeMessage(1));
  off.clock.advance(10_000);
  assert.deepEqual(off.shown, []);

  const { api, clock, shown, notifier } = await setup(true);
  api.emit('message.updated', fakeMessage(1));
  api.emit('messages.deleted', { ids: ['m1'] });
  clock.advance(10_000);
  assert.deepEqual(shown, []);
  api.emit('message.received', fakeMessage(2));
  notifier.dispose();
  clock.advance(10_000);
  assert.deepEqual(shown, []);
  assert.equal(api.subscriberCount, 0);
});

test('text is one clipped line with fallbacks for missing fields', () => {
  const long = 'x'.repeat(500);
  const d = describeBatch(1, fakeMessage(1, { subject: `line1\r\nline2 ${long}`, from: null }));
  assert.ok(!d.title.includes('\n'));
  assert.ok(d.title.length <= 120);
  assert.equal(d.body, 'From bounce1@example.test');
  assert.equal(describeBatch(1, fakeMessage(1, { subject: '', from: null, envelope: { ...fakeMessage(1).envelope, mailFrom: '' } })).title, '(no subject)');
  assert.equal(describeBatch(1, fakeMessage(1, { from: null, envelope: { ...fakeMessage(1).envelope, mailFrom: '' } })).body, 'From unknown sender');
});
