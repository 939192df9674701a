// How email leaves the program: SMTP through nodemailer. Tests use a real SMTP server on
// loopback; anything else can pass its own Mailer.
import nodemailer from 'nodemailer';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(message: OutgoingEmail): Promise<void>;
  close?(): void;
}

export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html, ...(message.headers ? { headers: message.headers } : {}) });
    },
    close: () => transport.close(),
  };
}

/**
 * For a local trial (`npm start`) with no SMTP server: each email is printed to the operator's
 * terminal instead of being sent, so the sign-in links of the demo can be followed. Never in
 * production: it is switched on only by `serve --print-emails`.
 */
export function terminalMailer(write: (text: string) => void = (text) => process.stderr.write(text)): Mailer {
  return {
    async send(message) {
      write(`\n--- email (printed, not sent) to ${message.to}: ${message.subject}\n${message.text}\n---\n`);
    },
  };
}
