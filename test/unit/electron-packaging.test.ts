// What ships: the icon, the builder config, and the preload as Electron's sandbox will run it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import vm from 'node:vm';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));

function decodePng(buf: Buffer): { width: number; height: number; colorType: number; pixel(x: number, y: number): number[] } {
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  let off = 8;
  let width = 0, height = 0, colorType = -1;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') [width, height, colorType] = [data.readUInt32BE(0), data.readUInt32BE(4), data[9]!];
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4 + 1;
  return {
    width,
    height,
    colorType,
    pixel: (x, y) => {
      assert.equal(raw[y * stride], 0, 'the generator writes filter type None');
      const o = y * stride + 1 + x * 4;
      return [...raw.subarray(o, o + 4)];
    },
  };
}

test('build/icon.png is a 512x512 RGBA envelope on a blue rounded square', () => {
  const png = decodePng(readFileSync(join(root, 'build/icon.png')));
  assert.deepEqual([png.width, png.height, png.colorType], [512, 512, 6]);
  assert.equal(png.pixel(0, 0)[3], 0, 'rounded corner is transparent');
  assert.deepEqual(png.pixel(256, 330), [255, 255, 255, 255], 'envelope body is white');
  const [r, g, b, a] = png.pixel(60, 256);
  assert.ok(a === 255 && b! > 200 && r! < 80 && g! < 140, `background is blue, got ${[r, g, b, a]}`);
  const [fr, , fb] = png.pixel(256, 262);
  assert.ok(fb! > 200 && fr! < 80, 'the flap V is drawn in blue');
});

test('electron-builder.yml: id, name, output, icon and the four targets', () => {
  const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
  assert.match(yml, /^appId: dev\.mailtap\.app$/m);
  assert.match(yml, /^productName: mailtap$/m);
  assert.match(yml, /^ {2}output: release$/m);
  const icon = /^icon: (\S+)$/m.exec(yml)?.[1];
  assert.ok(icon && existsSync(join(root, icon)), `icon ${icon} exists`);
  for (const target of ['AppImage', 'deb']) assert.match(yml, new RegExp(`^ {4}- ${target}$`, 'm'));
  assert.match(yml, /^mac:\n {2}target: dmg$/m);
  assert.match(yml, /^win:\n {2}target: nsis$/m);
  // package.json "main" and the preload next to it must be packaged.
  const main = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).main as string;
  assert.equal(main, 'dist/main/electron/main.js');
  assert.match(yml, /^ {2}- dist\/main\/\*\*\/\*$/m);
});

test('tsc compiles the preload: it is part of the tsconfig.main.json program', () => {
  const configPath = join(root, 'tsconfig.main.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  assert.ok(parsed);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, noEmit: true } });
  const files = program.getSourceFiles().map((f) => f.fileName);
  assert.ok(files.some((f) => f.endsWith('main/electron/preload.cts')), 'preload.cts is compiled to dist/');
});

test('the compiled preload runs in a sandbox that only offers require("electron") and exposes window.mailtap', async () => {
  const source = readFileSync(join(root, 'main/electron/preload.cts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: 'preload.cts',
    compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, removeComments: true },
  });
  const required = [...outputText.matchAll(/require\((['"])(.*?)\1\)/g)].map((m) => m[2]);
  assert.deepEqual(required, ['electron'], 'no other runtime imports');
  assert.doesNotMatch(outputText, /^\s*import\s/m, 'no ESM syntax');

  // Electron runs a sandboxed preload as a function of (require, process, exports, module).
  const exposed = new Map<string, unknown>();
  const invoked: unknown[][] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => (invoked.push(args), { ok: true, result: 'pong' }),
      on: () => {},
      removeListener: () => {},
    },
  };
  const sandboxRequire = (id: string) => {
    if (id === 'electron') return electron;
    throw new Error(`module not found: ${id}`);
  };
  const exportsObj = {};
  const fn = vm.runInNewContext(`(function (require, process, exports, module) {${outputText}\n})`, {});
  fn(sandboxRequire, { type: 'renderer' }, exportsObj, { exports: exportsObj });

  assert.deepEqual([...exposed.keys()], ['mailtap']);
  const bridge = exposed.get('mailtap') as { platform: string; call(m: string, p: unknown): Promise<unknown> };
  assert.equal(bridge.platform, 'electron');
  assert.equal(await bridge.call('server.info', {}), 'pong');
  assert.deepEqual(invoked, [['mailtap:server.info', {}]]);
  await assert.rejects(bridge.call('no.such.method', {}));
  assert.equal(invoked.length, 1);
});
