import { z } from "zod";
import { intSetting as int, optionalText as optional, parseSettings, unsetIfBlank } from "../../env-fields";

// WhatsApp Cloud API settings (README "WhatsApp"). The channel is on when the app secret,
// access token and phone number id are set; the verify token answers Meta's handshake.

/** Meta's versioned Graph URL (WHATSAPP_GRAPH_URL overrides it, e.g. for a stand-in). */
export const defaultGraphUrl = "https://graph.facebook.com/v23.0";

const schema = z.object({
  WHATSAPP_VERIFY_TOKEN: optional,
  WHATSAPP_APP_SECRET: optional,
  WHATSAPP_ACCESS_TOKEN: optional,
  WHATSAPP_PHONE_NUMBER_ID: unsetIfBlank(z.string().regex(/^[0-9]{1,32}$/, "must be the numeric phone number id").optional()),
  WHATSAPP_GRAPH_URL: unsetIfBlank(z.url().default(defaultGraphUrl)),
  WHATSAPP_POLL_MS: int(1_000, 50, 600_000),
  WHATSAPP_RETRY_BASE_MS: int(1_000, 1, 600_000),
  WHATSAPP_RETRY_MAX_MS: int(300_000, 1, 3_600_000),
  WHATSAPP_MAX_ATTEMPTS: int(8, 1, 100),
});

export interface WhatsAppConfig {
  enabled: boolean;
  verifyToken?: string;
  appSecret?: string;
  accessToken?: string;
  phoneNumberId?: string;
  graphUrl: string;
  pollMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts of a message or reply before it goes to the dead letter. */
  maxAttempts: number;
}

export function whatsappConfig(source: Record<string, string | undefined> = process.env): WhatsAppConfig {
  const e = parseSettings(schema, source, "WhatsApp");
  return {
    enabled: Boolean(e.WHATSAPP_APP_SECRET && e.WHATSAPP_ACCESS_TOKEN && e.WHATSAPP_PHONE_NUMBER_ID),
    verifyToken: e.WHATSAPP_VERIFY_TOKEN,
    appSecret: e.WHATSAPP_APP_SECRET,
    accessToken: e.WHATSAPP_ACCESS_TOKEN,
    phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
    graphUrl: e.WHATSAPP_GRAPH_URL.replace(/\/+$/, ""),
    pollMs: e.WHATSAPP_POLL_MS,
    retryBaseMs: e.WHATSAPP_RETRY_BASE_MS,
    retryMaxMs: e.WHATSAPP_RETRY_MAX_MS,
    maxAttempts: e.WHATSAPP_MAX_ATTEMPTS,
  };
}
