/** What a provider answered; `recorded` means nothing left the building (no provider configured). */
export interface SmsSendResult {
  status: 'sent' | 'recorded';
  providerMessageId?: string;
}

/**
 * An SMS gateway (阿里云短信, 腾讯云短信 …). `idempotencyKey` is passed through so a retried send is
 * deduplicated by the provider too.
 */
export interface SmsProvider {
  readonly name: string;
  send(to: string, text: string, idempotencyKey: string): Promise<SmsSendResult>;
}

/** The default: sends nothing; the sms_outbox row records what would have been sent. */
export class OutboxProvider implements SmsProvider {
  readonly name = 'outbox';
  async send(): Promise<SmsSendResult> {
    return { status: 'recorded' };
  }
}

/** True for a mainland mobile number an SMS can go to. */
export function isMobile(phone: string): boolean {
  return /^(?:\+?86)?1[3-9]\d{9}$/.test(phone.replace(/[\s-]/g, ''));
}
