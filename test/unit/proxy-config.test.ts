// The --proxy form and listener validation (main/core/proxy/config.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeProxyConfig, parseProxySpec, validateProxyConfig } from '../../main/core/proxy/config.js';
import { parseServeArgs } from '../../main/cli.js';

test('--proxy: every option, defaults, IPv6 and the errors', () => {
  const p = parseProxySpec('smtp://127.0.0.1:2587=smtp.example.com:587?tls=starttls&upstream-tls=implicit&verify=false&sni=mx.example.com&name=out');
  assert.deepEqual(p, {
    name: 'out', protocol: 'smtp', listenHost: '127.0.0.1', listenPort: 2587, clientTls: 'starttls',
    upstreamHost: 'smtp.example.com', upstreamPort: 587, upstreamTls: 'implicit', verifyUpstream: false, servername: 'mx.example.com', enabled: true, maxConnections: 4096,
  });
  const d = parseProxySpec('smtp://[::1]:2465=smtp.example.com:465');
  assert.equal(d.listenHost, '::1');
  assert.equal(d.clientTls, 'none');
  assert.equal(d.upstreamTls, 'implicit', 'port 465 implies implicit TLS (RFC 8314)');
  assert.equal(d.verifyUpstream, true);
  assert.equal(parseProxySpec('smtp://127.0.0.1:2587=smtp.example.com:587?tls=starttls').upstreamTls, 'starttls', 'else the client side mode');
  assert.throws(() => parseProxySpec('smtp://127.0.0.1:2587'), /expected PROTOCOL/);
  assert.throws(() => parseProxySpec('smtp://127.0.0.1:2587=x:25?tls=maybe'), /tls must be/);
  assert.throws(() => parseProxySpec('smtp://127.0.0.1:2587=x:25?colour=red'), /unknown option colour/);
  assert.throws(() => parseProxySpec('smtp://127.0.0.1:2587=x:0'), /upstreamPort/);
  const f = parseServeArgs(['--proxy', 'smtp://127.0.0.1:0=a.test:25', '--proxy', 'smtp://127.0.0.1:0=b.test:25']);
  assert.deepEqual(f.proxies?.map((x) => x.name), ['smtp-proxy-1', 'smtp-proxy-2']);
});

test('--proxy: POP3 and IMAP listeners, with the implicit-TLS ports implied (RFC 8314 §3.3)', () => {
  const i = parseProxySpec('imap://127.0.0.1:2143=imap.example.com:993?tls=starttls');
  assert.deepEqual([i.protocol, i.clientTls, i.upstreamTls, i.name], ['imap', 'starttls', 'implicit', 'imap-proxy-1']);
  const p = parseProxySpec('pop3://127.0.0.1:2110=pop.example.com:995');
  assert.deepEqual([p.protocol, p.clientTls, p.upstreamTls], ['pop3', 'none', 'implicit']);
  assert.equal(parseProxySpec('imap://127.0.0.1:2143=imap.example.com:143?tls=implicit&upstream-tls=starttls').upstreamTls, 'starttls');
  const f = parseServeArgs(['--proxy', 'imap://127.0.0.1:0=a.test:143', '--proxy', 'pop3://127.0.0.1:0=a.test:110']);
  assert.deepEqual(f.proxies?.map((x) => x.name), ['imap-proxy-1', 'pop3-proxy-1']);
});

test('maxConnections: 4096 unless given, 1 to 100000, and absent in older saved settings is accepted', () => {
  assert.equal(parseProxySpec('smtp://127.0.0.1:0=a.test:25?max-connections=50').maxConnections, 50);
  assert.throws(() => parseProxySpec('smtp://127.0.0.1:0=a.test:25?max-connections=0'), /maxConnections must be a whole number from 1 to 100000/);
  assert.throws(() => parseProxySpec('smtp://127.0.0.1:0=a.test:25?max-connections=many'), /max-connections must be a whole number/);
  assert.throws(() => normalizeProxyConfig({ upstreamHost: 'a.test', upstreamPort: 25, maxConnections: 100_001 }), /maxConnections/);
  assert.throws(() => normalizeProxyConfig({ upstreamHost: 'a.test', upstreamPort: 25, maxConnections: 2.5 }), /maxConnections/);
  const { maxConnections: _dropped, ...old } = normalizeProxyConfig({ upstreamHost: 'a.test', upstreamPort: 25 });
  validateProxyConfig(old);
  assert.equal(normalizeProxyConfig(old).maxConnections, 4096);
});
