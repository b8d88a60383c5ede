// `mailtap ca export` and `mailtap ca regenerate`: the local CA from the command line, without
// starting the server. The data directory is the one `mailtap serve` uses.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from './core/data-dir.js';
import { LocalCa, type CaExportFormat } from './core/tls/ca.js';

export const CA_USAGE = `  mailtap ca export [--format pem|der|p12] [--out FILE] [--password P] [--data DIR]
                              write the local CA certificate (default PEM to stdout)
  mailtap ca regenerate [--data DIR]
                              make a new local CA (clients must trust it again)`;

export async function caCommand(argv: string[], out: (s: string) => void = console.log, err: (s: string) => void = console.error): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { format: { type: 'string' }, out: { type: 'string' }, data: { type: 'string' }, password: { type: 'string' } },
    strict: true,
  });
  const ca = await LocalCa.open(values.data ? resolve(values.data) : defaultDataDir());
  if (sub === 'regenerate') {
    const info = await ca.regenerate();
    err(`mailtap: new CA ${info.subject}\n  SHA-256 fingerprint ${info.fingerprint}\n  ${info.certPath}`);
    return 0;
  }
  if (sub !== 'export') {
    err(`mailtap ca: expected export or regenerate\n${CA_USAGE}`);
    return 2;
  }
  const format = (values.format ?? 'pem') as CaExportFormat;
  if (!['pem', 'der', 'p12'].includes(format)) {
    err('mailtap ca export: --format must be pem, der or p12');
    return 2;
  }
  const file = ca.export(format, values.password ?? '');
  if (values.out) {
    await writeFile(values.out, file.data);
    err(`mailtap: wrote ${values.out} (${format})\n  SHA-256 fingerprint ${ca.fingerprint}`);
  } else if (format === 'pem') {
    out(Buffer.from(file.data).toString('utf8').trimEnd());
    err(`SHA-256 fingerprint ${ca.fingerprint}`);
  } else {
    err(`mailtap ca export: --format ${format} is binary: give --out FILE`);
    return 2;
  }
  return 0;
}
