import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, htmlToText, sanitizeEmailHtml, textToHtml } from './html.ts';

describe('sanitizeEmailHtml', () => {
  it('removes scripts, styles, handlers, frames, forms and javascript: links', () => {
    const html = sanitizeEmailHtml(
      '<div style="color:red" onmouseover="x()">a<script>evil()</script><style>*{}</style></div><form><input name=q></form><iframe src="https://x"></iframe><a href="JaVaScRiPt:alert(1)">b</a><svg><script>1</script></svg>',
    );
    assert.equal(html, '<div>a</div><a target="_blank" rel="noopener noreferrer nofollow">b</a>');
  });

  it('keeps cid: images, parks remote images and drops data: images', () => {
    assert.equal(sanitizeEmailHtml('<img src="cid:logo@x" alt="Logo">'), '<img alt="Logo" src="cid:logo@x" />');
    assert.equal(sanitizeEmailHtml('<img src="http://t.example/p.gif" width="1">'), '<img width="1" data-remote-src="http://t.example/p.gif" />');
    assert.equal(sanitizeEmailHtml('<img src="data:image/svg+xml;base64,PHN2Zz4=">'), '<img />');
  });

  it('drops the head and its title', () => {
    assert.equal(sanitizeEmailHtml('<html><head><title>T</title><meta charset="utf-8"></head><body><p>x</p></body></html>'), '<p>x</p>');
  });
});

describe('htmlToText', () => {
  it('turns blocks into lines and blockquotes into > lines', () => {
    const html = '<div>Thanks!</div><div><br></div><div>On Mon, Bob &lt;bob@example.com&gt; wrote:<br><blockquote type="cite"><p>Hi &amp; welcome</p><blockquote>older</blockquote></blockquote></div>';
    assert.equal(htmlToText(html), 'Thanks!\n\nOn Mon, Bob <bob@example.com> wrote:\n\n> Hi & welcome\n\n> > older');
  });

  it('lists items and leaves out scripts', () => {
    assert.equal(htmlToText('<ul><li>one</li><li>two&nbsp;three</li></ul><script>x</script>'), '- one\n- two three');
  });
});

describe('textToHtml', () => {
  it('escapes text and groups quoted lines', () => {
    assert.equal(textToHtml('a <b> & "c"\nnext\n\n> q1\n> > q2\nend'), '<p>a &lt;b&gt; &amp; &quot;c&quot;<br>next</p>\n<blockquote><p>q1</p>\n<blockquote><p>q2</p></blockquote></blockquote>\n<p>end</p>');
  });

  it('escapes quotes for attributes', () => {
    assert.equal(escapeHtml(`"'<>&`), '&quot;&#39;&lt;&gt;&amp;');
  });
});

describe('htmlToText on hostile input', () => {
  it('stays fast on thousands of unterminated tags', () => {
    const html = '<br<li<div'.repeat(50_000);
    const started = performance.now();
    htmlToText(html);
    assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
  });
});
