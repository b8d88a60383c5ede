import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate } from '../../main/electron/menu.js';

function build(platform: NodeJS.Platform) {
  const called: string[] = [];
  const template = buildMenuTemplate({
    platform,
    appName: 'mailtap',
    actions: {
      openDataFolder: () => void called.push('data'),
      openReadme: () => void called.push('readme'),
      showAbout: () => void called.push('about'),
    },
  });
  return { template, called };
}

const items = (menu: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] =>
  (menu?.submenu as MenuItemConstructorOptions[] | undefined) ?? [];
const byLabel = (t: MenuItemConstructorOptions[], label: string) => t.find((m) => m.label === label || m.role === label);
const click = (item: MenuItemConstructorOptions | undefined) =>
  (item?.click as (() => void) | undefined)?.();

test('File, Edit, View and Help menus, in that order (Linux/Windows)', () => {
  const { template } = build('linux');
  assert.deepEqual(template.map((m) => m.label ?? m.role), ['File', 'Edit', 'View', 'help']);
});

test('File: open data folder runs its action; Quit is there', () => {
  const { template, called } = build('linux');
  const file = items(byLabel(template, 'File'));
  click(file.find((i) => i.label === 'Open data folder'));
  assert.deepEqual(called, ['data']);
  assert.ok(file.some((i) => i.role === 'quit'));
});

test('Edit and View carry the standard roles', () => {
  const { template } = build('win32');
  const roles = (label: string) => items(byLabel(template, label)).map((i) => i.role).filter(Boolean);
  for (const r of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']) assert.ok(roles('Edit').includes(r as never), r);
  for (const r of ['reload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut']) assert.ok(roles('View').includes(r as never), r);
});

test('Help opens the README and the About box', () => {
  const { template, called } = build('linux');
  const help = items(byLabel(template, 'help'));
  click(help.find((i) => i.label === 'Open README'));
  click(help.find((i) => i.label === 'About mailtap'));
  assert.deepEqual(called, ['readme', 'about']);
});

test('macOS: an app-name menu holds About and Quit', () => {
  const { template, called } = build('darwin');
  assert.equal(template[0]!.label, 'mailtap');
  const appMenu = items(template[0]);
  assert.ok(appMenu.some((i) => i.role === 'quit'));
  click(appMenu.find((i) => i.label === 'About mailtap'));
  assert.deepEqual(called, ['about']);
  assert.ok(!items(byLabel(template, 'File')).some((i) => i.role === 'quit'), 'File closes the window instead');
});
