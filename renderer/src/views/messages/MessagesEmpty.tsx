// The first thing a new user sees: where to point their app, with copyable snippets that use
// the real SMTP port from server.info.
import type { ReactNode } from 'react';
import { CopySnippet } from '../../components/CopySnippet';
import { ErrorBanner } from '../../components/ErrorBanner';
import { MailIcon } from '../../components/Icons';
import { smtpHost, smtpPort, useAppData } from '../../state/app-data';

export function MessagesEmpty({ importer }: { importer?: ReactNode }) {
  const { info, infoError, settings, reload } = useAppData();
  const port = smtpPort(info);
  const host = smtpHost(info);
  const p = port ?? 1025;
  const creds = settings?.smtp.credentials ?? [];
  const auth = creds[0];
  const swaks = `swaks --server ${host}:${p} \\\n  --from app@example.com --to dev@example.com \\\n  --header "Subject: Hello from swaks" \\\n  --body "It works."${auth ? ` \\\n  --auth-user ${auth.user} --auth-password '${auth.password}'` : ''}`;
  const curl = `printf '%s\\r\\n' 'From: app@example.com' 'To: dev@example.com' \\\n  'Subject: Hello from curl' '' 'It works.' > hello.eml\ncurl smtp://${host}:${p} \\\n  --mail-from app@example.com --mail-rcpt dev@example.com \\\n  --upload-file hello.eml${auth ? ` --user '${auth.user}:${auth.password}'` : ''}`;
  const nodemailer = `const transport = nodemailer.createTransport({\n  host: '${host}',\n  port: ${p},\n  secure: false,${auth ? `\n  auth: { user: '${auth.user}', pass: '${auth.password}' },` : ''}\n});\nawait transport.sendMail({\n  from: 'app@example.com', to: 'dev@example.com',\n  subject: 'Hello from nodemailer', text: 'It works.',\n});`;
  const env = `SMTP_HOST=${host}\nSMTP_PORT=${p}\nSMTP_SECURE=false`;
  return (
    <div className="empty-state" data-testid="messages-empty">
      <div className="empty-icon">
        <MailIcon size={28} />
      </div>
      <h2>No mail caught yet</h2>
      <p className="lead">
        Point your app's SMTP at <code className="mono strong" data-testid="smtp-address">{host}:{port ?? '…'}</code>. Every message it sends lands
        here, with its full SMTP dialogue and MIME tree. Nothing is delivered to the outside world.
      </p>
      {creds.length === 0 ? <p className="muted">Any user name and password are accepted; TLS is not required.</p> : <p className="muted">AUTH is checked against the credentials in Settings.</p>}
      <ErrorBanner error={infoError} onRetry={reload} compact />
      {importer}
      <div className="snippets">
        <CopySnippet title="swaks" text={swaks} />
        <CopySnippet title="curl" text={curl} />
        <CopySnippet title="nodemailer" text={nodemailer} />
        <CopySnippet title="Environment" text={env} />
      </div>
    </div>
  );
}
