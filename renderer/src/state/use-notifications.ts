// Browser-mode desktop notifications for new mail (Electron notifies from its main process).
import { useRef } from 'react';
import type { MessageSummary } from '../../../shared/types';
import { useApi, useLiveEvents } from '../api';
import { useAppData } from './app-data';

export function useMailNotifications(): void {
  const api = useApi();
  const { settings } = useAppData();
  const last = useRef(0);
  useLiveEvents((batch) => {
    if (api.kind !== 'http' || !settings?.ui.notifications || !document.hidden) return;
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const received = batch.filter((e) => e.event === 'message.received').map((e) => e.data as MessageSummary);
    if (received.length === 0 || Date.now() - last.current < 1000) return;
    last.current = Date.now();
    const first = received[0]!;
    const title = received.length === 1 ? first.subject || '(no subject)' : `${received.length} new messages`;
    new Notification(title, { body: received.length === 1 ? `From ${first.from?.address ?? first.envelope.mailFrom}` : undefined, tag: 'mailtap-new-mail' });
  });
}
