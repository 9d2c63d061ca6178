import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { emailSample, emailSampleNames } from '@casekit/testkit/providers';
import { describe, it } from 'node:test';
import { parseMime } from './mime.ts';

// The 25 real messages of the testkit's email samples (their README and manifest name the
// client, charset and quirk of each). Every one is parsed and checked for what an agent would see.

function sample(file: string): Buffer {
  return emailSample(file);
}

interface Expected {
  from: string;
  name?: string;
  subject: string;
  /** The folded text exactly, or its beginning when it ends with `…`. */
  text: string;
  automated?: boolean;
  references: number;
  attachments?: string[];
}

const EXPECTED: Record<string, Expected> = {
  '001-mail-parser-outlook-base64-latin1.eml': {
    from: 'doug@example.com',
    name: 'Doug Sauder',
    subject: 'Die Hasen und die Frösche (Microsoft Outlook 00)',
    text: 'Die Hasen und die Frösche\n\nDie Hasen klagten einst über ihre mißliche Lage…',
    references: 0,
  },
  '002-mail-parser-outlook-utf7.eml': {
    from: 'doug@example.com',
    name: 'Doug Sauder',
    subject: 'Die Hasen und die Frösche (Microsoft Outlook 00)',
    text: 'Die Hasen und die Frösche\n\nDie Hasen klagten einst über ihre mißliche Lage; "wir leben"…',
    references: 0,
  },
  '003-mail-gmail-fwd-pdf.eml': {
    from: 'xxxxxxxxx.xxxxxxx@gmail.com',
    name: 'xxxxxxxxx xxxxxxx',
    subject: 'Fwd: Signed email causes file attachments',
    text: 'We should not include these files or vcards as attachments.\n\n---------- Forwarded message ----------\nFrom: xxxxx xxxxxx…',
    references: 1,
    attachments: ['This is a test.pdf'],
  },
  '004-mail-thunderbird-reply-unknown.eml': { from: 'xxxxxxxx@xxx.org', name: 'Testing', subject: 'Re: Test reply email', text: 'Message body', references: 2 },
  '009-mail-applemail-latin1-jpeg.eml': {
    from: 'jeff@37signals.com',
    name: 'Jeffrey Hardy',
    subject: 'Eelanalüüsi päring',
    text: '',
    references: 0,
    attachments: ['Eelanalüüsi päring.jpg'],
  },
  '056-mail-parser-yahoo-list-qp.eml': {
    from: 'calpas2007@yahoo.fr',
    name: 'calpas calpas',
    subject: '[Shapelib] need some help',
    text: 'Dear all,\n\nI am writting my first C application…',
    references: 0,
  },
  '057-talon-retest-yahoo.eml': { from: 'xxx@yahoo.com', name: 'Alex Q', subject: 'Re: Test', text: 'Hello', references: 1 },
  '058-talon-retest-hotmail.eml': { from: 'xxx@hotmail.com', name: 'Alexey Q', subject: 'RE: Test', text: 'Hello', references: 0 },
  '059-talon-retest-zimbra.eml': { from: 'xxx@comcast.net', subject: 'Re: Test', text: 'Hello', references: 0 },
  '060-talon-retest-aol.eml': { from: 'xxx@aol.com', name: 'Megan Odin', subject: 'Re: Test', text: 'Hello', references: 0 },
  '061-talon-retest-android-gmail.eml': { from: 'bob@example.com', name: 'Sergey Obykhov', subject: 'Re: Test', text: 'Hello', references: 0 },
  '062-talon-retest-thunderbird.eml': { from: 'bob@xxx.mailgun.org', name: 'bob', subject: 'Re: Test', text: 'Hello', references: 0 },
  '063-talon-retest-iphone.eml': { from: 'xxx@gmail.com', name: 'xxx', subject: 'Re: Test', text: 'Hello', references: 0 },
  '064-MimeKit-outlook12-forward-attached.eml': {
    from: 'mimekit@example.com',
    subject: 'test of simple embedded message/rfc822 part',
    text: 'This is the message body.',
    references: 0,
    attachments: ['attachment-1.eml'],
  },
  '065-mail-ks-c-5601-8bit.eml': { from: 'from@example.com', subject: 'test', text: '스티해', references: 0 },
  '066-mail-shift-jis-8bit.eml': {
    from: 'xxxxxxx@docomo.ne.jp',
    subject: 'test',
    text: 'あいうえお\n\nこのメールはテスト用のメールです。\n\n今後ともよろしくお願い申し上げます！',
    references: 0,
  },
  '067-MimeKit-iso-2022-jp-thunderbird.eml': {
    from: 'x@x.com',
    name: 'Atsushi Eno',
    subject: '日本語メールテスト (testing Japanese emails)',
    text: "Let's see if both subject and body works fine...\n\n日本語が\n正常に\n送れているか\nテスト.",
    references: 0,
  },
  '068-talon-hello-applemail.eml': { from: 'adam@tictail.com', name: 'Adam Renberg', subject: 'Re: Hello there', text: 'Hello', references: 1 },
  '069-MimeKit-outlook-it-R-R-R-I.eml': {
    from: 'jang.abcdef@xyzlinux12345678.it',
    name: 'jang.abcdef@xyzlinu',
    subject: 'R: R: R: I: FR-selca LA selcaE',
    text: 'Test headers',
    references: 2,
  },
  '070-mail-parser-html-only-embedded-image.eml': {
    from: 'test@example.com',
    subject: '25 HTML + embedded image',
    text: 'Search for höhö',
    references: 0,
    attachments: ['kigaaldcbanejcbi.png'],
  },
  '071-mail-parser-win1252-attachment.eml': {
    from: 'test@example.com',
    subject: '30 plaintext + (HTML + embedded image) + attachment',
    text: 'Search for hähä',
    references: 0,
    attachments: ['kigaaldcbanejcbi.png', 'attach2.png'],
  },
  '072-chatwoot-autoreply-arabic-b64.eml': {
    from: 'example@gmail.com',
    name: 'متجر سوق نت',
    subject: 'أهلين عميلنا الكريم',
    text: 'أنظروا، أنا أحتاجها فقط لتقوم بالتدقيق في مقالتي الشخصية',
    automated: true,
    references: 1,
  },
  '073-mail-parser-ticket-subject-token.eml': {
    from: 'jsterr@proxforge.de',
    name: 'Jonas Sterr - ProxForge',
    subject: 'Re: (#5290765) Proxmox Shop E-Mails',
    text: 'Hallo Stoiko,\n\nalles klar, deine Reply Mail war jetzt nicht im Spam…',
    references: 0,
    attachments: ['training-mail.txt', 'office-reply.txt', 'shop-mail.txt'],
  },
  '074-mail-oe6-windows-1251.eml': {
    from: 'yusuf75thu@auracom.net',
    name: 'Атиковa',
    subject: '[0]: XXXXXXX XXXXX XXXXX !',
    text: 'Filter2: This message has been scanned for viruses and\ndangerous content by MailScanner, and is\nbelieved to be clean.',
    references: 0,
  },
  '075-talon-test-outlook-no-msgid.eml': { from: 'me@example.com', subject: 'Test', text: 'Hello', references: 0 },
};

describe('parseMime on the 25 reference samples', () => {
  it('has an expectation for every sample', () => {
    const files = emailSampleNames();
    assert.equal(files.length, 25);
    assert.deepEqual(files.sort(), Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: ${expected.subject}`, async () => {
      const event = await parseMime(sample(file));
      assert.equal(event.type, 'message');
      assert.equal(event.from.externalId, expected.from);
      assert.equal(event.from.email, expected.from);
      assert.equal(event.from.name, expected.name);
      assert.equal(event.subject, expected.subject);
      if (expected.text.endsWith('…')) assert.ok(event.text.startsWith(expected.text.slice(0, -1)), `text starts: ${JSON.stringify(event.text.slice(0, 120))}`);
      else assert.equal(event.text, expected.text);
      assert.equal(event.automated, expected.automated ?? false);
      assert.equal(event.references?.length, expected.references);
      assert.equal(event.newTopic, expected.references === 0 && event.replyToken === undefined);
      assert.deepEqual(
        event.attachments.map((attachment) => attachment.name),
        expected.attachments ?? [],
      );
      for (const attachment of event.attachments) assert.equal(attachment.content?.byteLength, attachment.size);
      assert.doesNotMatch(event.text, /\uFFFD/, 'no undecoded characters');
    });
  }
});

describe('parseMime details', () => {
  it('uses the Message-ID as the id, or a hash of the raw bytes when there is none', async () => {
    const withId = await parseMime(sample('068-talon-hello-applemail.eml'));
    assert.equal(withId.providerMessageId, '<68001B29-8EA4-444C-A894-0537D2CA5208@tictail.com>');
    const raw = sample('075-talon-test-outlook-no-msgid.eml');
    const withoutId = await parseMime(raw);
    assert.equal(withoutId.providerMessageId, `sha256:${createHash('sha256').update(raw).digest('hex')}`);
    assert.equal(withoutId.headers?.['message-id'], undefined);
  });

  it('folds Outlook history out of the text but keeps all of it in the html', async () => {
    const event = await parseMime(sample('075-talon-test-outlook-no-msgid.eml'));
    assert.equal(event.text, 'Hello');
    assert.match(event.html ?? '', /The manager has commented on your Loop/);
  });

  it('renders a plain-text message as html with its quote in a blockquote', async () => {
    const event = await parseMime(sample('063-talon-retest-iphone.eml'));
    assert.equal(event.text, 'Hello');
    assert.match(event.html ?? '', /<p>Sent from my iPhone<\/p>/);
    assert.match(event.html ?? '', /<blockquote><p>Hi<\/p><\/blockquote>/);
    assert.match(event.html ?? '', /bob &lt;bob@example.com&gt; wrote:/);
  });

  it('takes the text of an HTML-only message from its HTML and keeps the inline image by cid', async () => {
    const event = await parseMime(sample('070-mail-parser-html-only-embedded-image.eml'));
    assert.equal(event.text, 'Search for höhö');
    assert.match(event.html ?? '', /<img[^>]+src="cid:part1\.8C5E6A81\.D0C1B91A@example\.com"/);
    const image = event.attachments[0]!;
    assert.equal(image.contentType, 'image/png');
    assert.equal(image.url, 'cid:part1.8C5E6A81.D0C1B91A@example.com');
    assert.deepEqual([...image.content!.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });

  it('keeps attachment bytes intact (a JPEG, a signed blob named .pdf)', async () => {
    const jpeg = (await parseMime(sample('009-mail-applemail-latin1-jpeg.eml'))).attachments[0]!;
    assert.equal(jpeg.contentType, 'image/jpeg');
    assert.equal(jpeg.size, 1952);
    assert.deepEqual([...jpeg.content!.subarray(0, 2)], [0xff, 0xd8]);
    const pdf = (await parseMime(sample('003-mail-gmail-fwd-pdf.eml'))).attachments[0]!;
    assert.equal(pdf.contentType, 'application/pdf');
    assert.equal(pdf.size, 399);
    assert.deepEqual([...pdf.content!.subarray(0, 2)], [0x30, 0x80], 'the DER bytes the sample carries');
  });

  it('reads the reply token from a reply+ recipient and marks the auto-reply automated', async () => {
    const event = await parseMime(sample('072-chatwoot-autoreply-arabic-b64.eml'));
    assert.equal(event.replyToken, '6bdc3f4d-0bec-4515-a284-5d916fdde489');
    assert.equal(event.newTopic, false);
    assert.equal(event.automated, true);
    assert.equal(event.headers?.['auto-submitted'], 'auto-replied');
    // the duplicated, comma-separated In-Reply-To becomes one reference
    assert.deepEqual(event.references, ['<4e6e35f5a38b4_479f13bb90078178@small-app-01.mail>']);
  });

  it('takes a reply token only at the channel domain when the address is given', async () => {
    const raw = sample('072-chatwoot-autoreply-arabic-b64.eml');
    assert.equal((await parseMime(raw, { address: 'support@example.com' })).replyToken, '6bdc3f4d-0bec-4515-a284-5d916fdde489');
    assert.equal((await parseMime(raw, { address: 'support@other.example' })).replyToken, undefined);
  });

  it('finds a reply token in the SMTP envelope when the headers do not show it', async () => {
    const event = await parseMime(sample('058-talon-retest-hotmail.eml'), { address: 'bob@xxx.mailgun.org', envelope: { from: 'xxx@hotmail.com', to: ['reply+cv_42@xxx.mailgun.org'] } });
    assert.equal(event.replyToken, 'cv_42');
    assert.equal(event.newTopic, false);
  });

  it('treats a null envelope sender as a bounce', async () => {
    const event = await parseMime(sample('058-talon-retest-hotmail.eml'), { envelope: { from: '', to: ['bob@xxx.mailgun.org'] } });
    assert.equal(event.automated, true);
  });

  it('a helpdesk subject token does not thread: with no threading headers the reply is a new topic', async () => {
    const event = await parseMime(sample('073-mail-parser-ticket-subject-token.eml'));
    assert.deepEqual(event.references, []);
    assert.equal(event.replyToken, undefined);
    assert.equal(event.newTopic, true);
    assert.ok(!event.text.includes('Inhaber | ProxForge'), 'the signature after "--" is folded away');
  });

  it('keeps threading and automation headers under lower-case names', async () => {
    const event = await parseMime(sample('056-mail-parser-yahoo-list-qp.eml'));
    assert.equal(event.headers?.['list-id'], 'Shapelib Development <shapelib.lists.maptools.org>');
    assert.equal(event.headers?.precedence, 'list');
    assert.equal(event.automated, false, 'a mailing-list post is not an auto-reply');
    assert.equal(event.sentAt, '2011-03-09T11:19:45.000Z');
  });

  it('does not believe a Date header centuries ahead', async () => {
    const event = await parseMime(sample('074-mail-oe6-windows-1251.eml'));
    assert.equal(event.headers?.date, 'Mon, 30 Jun 3609 15:33:50 +0600');
    assert.equal(event.sentAt, undefined);
  });

  it('sanitizes hostile HTML and does not load remote images', async () => {
    const raw = [
      'From: Mallory <mallory@example.net>',
      'To: support@example.com',
      'Subject: hi',
      'Message-ID: <evil@example.net>',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p onclick="steal()">Hi<script>alert(1)</script><style>p{}</style></p>',
      '<a href="javascript:alert(1)">x</a><a href="https://example.org/">ok</a>',
      '<img src="https://tracker.example/pixel.gif"><iframe src="https://example.org"></iframe>',
    ].join('\r\n');
    const event = await parseMime(Buffer.from(raw));
    const html = event.html ?? '';
    assert.doesNotMatch(html, /script|onclick|style|javascript:|iframe|alert/);
    assert.match(html, /<a href="https:\/\/example.org\/" target="_blank" rel="noopener noreferrer nofollow">ok<\/a>/);
    assert.match(html, /<img data-remote-src="https:\/\/tracker.example\/pixel.gif" \/>/);
    assert.equal(event.text, 'Hi\nxok');
  });

  it('refuses a message without any sender', async () => {
    await assert.rejects(parseMime(Buffer.from('Subject: nobody\r\n\r\nhello')), { name: 'ChannelPayloadError' });
  });
});
