import { describe, expect, it } from 'vitest';
import { terminalMailer } from '../../src/notify/mailer.js';

describe('the terminal mailer of a local trial', () => {
  it('prints each email, with its link, instead of sending it', async () => {
    const printed: string[] = [];
    await terminalMailer((text) => printed.push(text)).send({
      to: 'pm@example.org',
      subject: 'Your sign-in link',
      text: 'Sign in: http://localhost:3000/sign-in/link?token=abc',
      html: '<p>ignored</p>',
    });
    expect(printed.join('')).toContain('to pm@example.org: Your sign-in link');
    expect(printed.join('')).toContain('token=abc');
    expect(printed.join('')).not.toContain('<p>');
  });
});
