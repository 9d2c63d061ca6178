// Meta webhook bodies byte for byte as published (see each `source`); generated from the team reference
// samples. Kept as string literals so a test signs and verifies exactly these bytes.

/** A webhook body Meta sends, with where its fields come from. */
export interface MetaWebhookSample {
  description: string;
  source: readonly string[];
  /** The raw body, exactly as Meta posts it (escaped unicode included). */
  body: string;
}

/** Every Meta sample body: WhatsApp Cloud, Messenger and Instagram. */
export const META_WEBHOOK_SAMPLES = {
  whatsappText: {
    description: "WhatsApp Cloud API inbound text message, exactly the example on Meta's messages webhook reference.",
    source: ["https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages"],
    body: "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"106540352242922\"},\"contacts\":[{\"profile\":{\"name\":\"Sheena Nelson\"},\"wa_id\":\"16505551234\"}],\"messages\":[{\"from\":\"16505551234\",\"id\":\"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=\",\"timestamp\":\"1749416383\",\"type\":\"text\",\"text\":{\"body\":\"Does it come in another color?\"}}]},\"field\":\"messages\"}]}]}",
  },
  whatsappReplyEscapedUnicode: {
    description: "Reply (context.id) whose raw body uses \\uXXXX escapes for non-ASCII and emoji surrogate pairs, as Meta sends; a verifier that re-serialises parsed JSON computes a different HMAC and wrongly rejects it.",
    source: ["https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/text/ (context object)","https://developers.facebook.com/docs/graph-api/webhooks/getting-started (payload is signed as escaped unicode)"],
    body: "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"106540352242922\"},\"contacts\":[{\"profile\":{\"name\":\"Jos\\u00e9 \\ud83c\\udf3b\"},\"wa_id\":\"16505551234\"}],\"messages\":[{\"context\":{\"from\":\"15550783881\",\"id\":\"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3RjY0QTc3NzNDRjg4NkE3QjkA\"},\"from\":\"16505551234\",\"id\":\"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUM4RjBGNTlDNTM2MDdBMjEyOQA=\",\"timestamp\":\"1749416422\",\"type\":\"text\",\"text\":{\"body\":\"Caf\\u00e9 \\u2615 still down \\ud83d\\ude1e\"}}]},\"field\":\"messages\"}]}]}",
  },
  whatsappStatusRead: {
    description: "Status update (read) on the same webhook field.",
    source: ["https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/"],
    body: "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"106540352242922\"},\"statuses\":[{\"id\":\"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3RjY0QTc3NzNDRjg4NkE3QjkA\",\"status\":\"read\",\"timestamp\":\"1749416500\",\"recipient_id\":\"16505551234\"}]},\"field\":\"messages\"}]}]}",
  },
  messengerText: {
    description: "Messenger inbound text (classic Messenger Platform docs example, also shipped as a test file by fbmessenger-api).",
    source: ["https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messages","hackage fbmessenger-api-0.1.2.1 test-files/wsTextMessageRequest.json"],
    body: "{\"object\":\"page\",\"entry\":[{\"id\":\"111111\",\"time\":1457764198246,\"messaging\":[{\"sender\":{\"id\":\"USER_ID\"},\"recipient\":{\"id\":\"PAGE_ID\"},\"timestamp\":1457764197627,\"message\":{\"mid\":\"mid.1457764197618:41d102a3e1ae206a38\",\"seq\":73,\"text\":\"hello, world!\"}}]}]}",
  },
  messengerEcho: {
    description: "message_echoes: the Page's own send coming back (must be skipped, not shown as a customer message).",
    source: ["https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-echoes"],
    body: "{\"object\":\"page\",\"entry\":[{\"id\":\"PAGE_ID\",\"time\":1570053170926,\"messaging\":[{\"sender\":{\"id\":\"PAGE_ID\"},\"recipient\":{\"id\":\"PSID\"},\"timestamp\":1457764197627,\"message\":{\"is_echo\":true,\"app_id\":1517776481860111,\"metadata\":\"casekit-outbound\",\"mid\":\"mid.1457764197618:41d102a3e1ae206a38\",\"text\":\"We are on it\"}}]}]}",
  },
  instagramReply: {
    description: "Instagram messaging event (object=instagram, IGSID sender, reply_to.mid); ids illustrative.",
    source: ["https://developers.facebook.com/documentation/instagram-platform/webhooks/examples"],
    body: "{\"object\":\"instagram\",\"entry\":[{\"id\":\"17841400000000000\",\"time\":1700000000000,\"messaging\":[{\"sender\":{\"id\":\"IGSID_1234\"},\"recipient\":{\"id\":\"17841400000000000\"},\"timestamp\":1700000000000,\"message\":{\"mid\":\"aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAwOjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTkwMjc2NDQwMDQ4OTk4NQZDZD\",\"text\":\"Is my order shipped?\",\"reply_to\":{\"mid\":\"aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAwOjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTkwMjc2NDQwMDQ4OTk4NAZDZD\"}}}]}]}",
  },
} as const satisfies Record<string, MetaWebhookSample>;

/** Meta's own known answer: the X-Hub-Signature-256 hex of `body` under `appSecret` (WhatsApp Node SDK unit test). */
export const META_SIGNATURE_KAT = {
  source: "WhatsApp/WhatsApp-Nodejs-SDK src/utils.ts:77-82 (generateXHub256Sig), src/__tests__/utils.test.ts:15-22, jest.config.ts:82 (M4D_APP_SECRET), commit 58ca3d5fceea604e18393734578d9a7944a37b15",
  body: "test",
  appSecret: "TEST_APP_SECRET",
  expectedHex: "0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221",
} as const;
