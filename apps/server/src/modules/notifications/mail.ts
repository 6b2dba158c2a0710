import nodemailer, { type Transporter } from 'nodemailer';

/** One e-mail. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

const transports = new Map<string, Transporter>();

/**
 * Sends an e-mail through the SMTP server of `SMTP_URL` (`smtp://user:pass@host:587`, `smtps://...`;
 * `?from=` sets the sender, default `formloom@<host>`). One pooled transport per URL.
 */
export async function sendMail(smtpUrl: string, mail: Mail): Promise<void> {
  let transport = transports.get(smtpUrl);
  if (!transport) {
    const url = new URL(smtpUrl);
    const from = url.searchParams.get('from') ?? `formloom@${url.hostname}`;
    url.searchParams.delete('from');
    transport = nodemailer.createTransport(url.toString(), { from });
    transports.set(smtpUrl, transport);
  }
  await transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
}
