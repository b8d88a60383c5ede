// Sending test mail with nodemailer to the sink.
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';

/** Plain SMTP by default; `requireTLS` upgrades with STARTTLS (the sink's cert is self-signed). */
export async function sendMail(port: number, mail: Mail.Options, o: { auth?: { user: string; pass: string }; requireTLS?: boolean } = {}): Promise<void> {
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ...(o.requireTLS ? { requireTLS: true, tls: { rejectUnauthorized: false } } : { ignoreTLS: true }),
    ...(o.auth ? { auth: o.auth } : {}),
    connectionTimeout: 5000,
    socketTimeout: 5000,
  });
  try {
    await t.sendMail(mail);
  } finally {
    t.close();
  }
}

/** A 1×1 red PNG, for cid: images. */
export const RED_DOT_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
