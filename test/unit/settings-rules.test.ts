// The one set of settings rules (shared/settings-rules.ts) that the server enforces and the
// settings form shows: a table of values each rule takes and refuses, and the server's 400.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Settings } from '../../shared/types.js';
import { SETTING_BOUNDS, settingsErrors } from '../../shared/settings-rules.js';
import { defaultSettings, validateSettings } from '../../main/core/store/settings-store.js';

const withSmtp = (patch: Partial<Settings['smtp']>): Settings => ({ ...defaultSettings(), smtp: { ...defaultSettings().smtp, ...patch } });

test('the defaults keep every rule', () => {
  assert.deepEqual(settingsErrors(defaultSettings()), {});
  assert.doesNotThrow(() => validateSettings(defaultSettings()));
});

test('each bounded setting takes its bounds and refuses one past them, and a fraction', () => {
  for (const [path, [min, max]] of Object.entries(SETTING_BOUNDS)) {
    const [group, key] = path.split('.') as ['smtp' | 'retention', string];
    const at = (v: unknown): Settings => {
      const s = defaultSettings();
      (s[group] as unknown as Record<string, unknown>)[key] = v;
      return s;
    };
    assert.equal(settingsErrors(at(min))[path], undefined, `${path} = ${min}`);
    assert.equal(settingsErrors(at(max))[path], undefined, `${path} = ${max}`);
    assert.match(settingsErrors(at(min - 1))[path] ?? '', /^At least/, `${path} = ${min - 1}`);
    assert.match(settingsErrors(at(max + 1))[path] ?? '', /^At most/, `${path} = ${max + 1}`);
    assert.equal(settingsErrors(at(min + 0.5))[path], 'Enter a whole number.');
    assert.equal(settingsErrors(at('12'))[path], 'Enter a whole number.');
  }
});

test('rules the form and the server used to disagree on', () => {
  const rows: [Partial<Settings['smtp']>, string, RegExp | undefined][] = [
    // The form took these; the server refused them.
    [{ hostname: 'my_host' }, 'smtp.hostname', /letters, digits, dots and hyphens/],
    [{ hostname: 'mail tap' }, 'smtp.hostname', /no spaces/],
    [{ hostname: 'mx\r\n250 injected' }, 'smtp.hostname', /host name/],
    [{ credentials: [{ user: 'a', password: 'x' }, { user: 'a', password: 'y' }] }, 'smtp.credentials.1', /listed twice/],
    [{ credentials: [{ user: 'a', password: '' }] }, 'smtp.credentials.0', /password is required/],
    // The server refused these; a limit under 100 is how a developer tests 452.
    [{ maxRecipients: 5 }, 'smtp.maxRecipients', undefined],
    [{ hostname: 'mx-1.example.test' }, 'smtp.hostname', undefined],
  ];
  for (const [patch, path, want] of rows) {
    const got = settingsErrors(withSmtp(patch))[path];
    if (want) assert.match(got ?? '', want, JSON.stringify(patch));
    else assert.equal(got, undefined, JSON.stringify(patch));
  }
});

test('the server names each broken setting in its 400', () => {
  assert.throws(
    () => validateSettings(withSmtp({ maxLineLength: 100, hostname: '' })),
    (e: Error & { status?: number }) => e.status === 400 && /smtp\.maxLineLength: At least 512 octets/.test(e.message) && /smtp\.hostname: /.test(e.message),
  );
});
