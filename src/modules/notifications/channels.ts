import nodemailer from 'nodemailer';
import type { Config } from '../../platform/config.ts';
import type { ChannelName } from './schemas.ts';

/** A message as a channel sends it: the row of the outbox, already rendered. */
export interface OutgoingMessage {
  /** The notification's id: providers that accept a client reference get it, so a retry can be recognised. */
  id: string;
  to: string;
  toName: string;
  /** E-mail only. */
  subject: string | null;
  text: string;
  /** E-mail only. */
  html: string | null;
}

/** One way of reaching an applicant. A real SMS or Zalo gateway implements this and nothing else changes. */
export interface Channel {
  name: ChannelName;
  send(msg: OutgoingMessage): Promise<{ providerId: string }>;
}

export type Channels = Record<ChannelName, Channel>;

/**
 * E-mail through nodemailer: SMTP when SMTP_URL is set; otherwise nodemailer composes the
 * message with its JSON transport and nothing leaves the machine (demo: the outbox page is
 * where the message is read).
 */
export function emailChannel(config: Pick<Config, 'smtp' | 'publicUrl'>): Channel & { close(): void } {
  const host = new URL(config.publicUrl).hostname;
  const from = config.smtp?.from ?? `congso <no-reply@${host}>`;
  const domain = /@([^\s@<>]+)>?\s*$/.exec(from)?.[1] ?? host;
  const transport = config.smtp ? nodemailer.createTransport(config.smtp.url, { from }) : nodemailer.createTransport({ jsonTransport: true }, { from });
  return {
    name: 'email',
    async send(msg) {
      const info = await transport.sendMail({
        to: { name: msg.toName, address: msg.to },
        subject: msg.subject ?? '',
        text: msg.text,
        ...(msg.html ? { html: msg.html } : {}),
        // The notification's id as Message-ID: a message sent twice after a crash is recognisable as one.
        messageId: `<${msg.id}@${domain}>`,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      return { providerId: config.smtp ? `smtp:${info.messageId}` : `outbox:${info.messageId}` };
    },
    close: () => transport.close(),
  };
}

/**
 * A provider that only records: the rendered text is already in the outbox row, which is
 * what an officer reads on the outbox page. Used for SMS and Zalo until a gateway contract
 * exists; the id says so, so nobody mistakes it for a delivery receipt.
 */
export function outboxChannel(name: Exclude<ChannelName, 'email'>): Channel {
  return {
    name,
    async send(msg) {
      return { providerId: `outbox:${name}:${msg.id}` };
    },
  };
}

export function createChannels(config: Pick<Config, 'smtp' | 'publicUrl'>): Channels {
  return { email: emailChannel(config), sms: outboxChannel('sms'), zalo: outboxChannel('zalo') };
}
