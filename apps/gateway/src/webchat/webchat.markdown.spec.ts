import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './webchat.markdown';

describe('renderMarkdown (the web chat reply subset)', () => {
  it('renders paragraphs, line breaks, bold, italic and inline code', () => {
    expect(renderMarkdown('Hello **world** and *you*,\nsee `npm test`.\n\nNext __part__ _here_.')).toBe(
      '<p>Hello <strong>world</strong> and <em>you</em>,<br>see <code>npm test</code>.</p><p>Next <strong>part</strong> <em>here</em>.</p>',
    );
  });

  it('renders fenced code blocks verbatim, without formatting inside, also while the fence is still open', () => {
    expect(renderMarkdown('Run:\n```sh\nnpm **start** <x>\n```\nDone.')).toBe(
      '<p>Run:</p><pre><code>npm **start** &lt;x&gt;</code></pre><p>Done.</p>',
    );
    expect(renderMarkdown('```\nstill streaming')).toBe('<pre><code>still streaming</code></pre>');
  });

  it('renders bullet and numbered lists', () => {
    expect(renderMarkdown('Steps:\n1. install\n2. start\n\n- one\n* two')).toBe(
      '<p>Steps:</p><ol><li>install</li><li>start</li></ol><ul><li>one</li><li>two</li></ul>',
    );
  });

  it('links http(s) addresses only, opening in a new tab without access to this page', () => {
    expect(renderMarkdown('[docs](https://example.com/a_b?x=1&y=2) or http://example.org.')).toBe(
      '<p><a href="https://example.com/a_b?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">docs</a> or ' +
        '<a href="http://example.org" target="_blank" rel="noopener noreferrer">http://example.org</a>.</p>',
    );
    expect(renderMarkdown('[click](javascript:alert(1)) [x](data:text/html,hi)')).toBe('<p>[click](javascript:alert(1)) [x](data:text/html,hi)</p>');
  });

  it('escapes every piece of HTML in the text, in code too', () => {
    const html = renderMarkdown('<img src=x onerror=alert(1)> **<b>bold</b>** `<script>` [a](https://x.test/"onmouseover="alert(1))');
    expect(html).not.toMatch(/<(img|b|script)\b/);
    expect(html).not.toContain('"onmouseover');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<code>&lt;script&gt;</code>');
  });

  it('turns headings into bold lines and leaves underscores inside words alone', () => {
    expect(renderMarkdown('## Plan\nuse snake_case_names')).toBe('<p><strong>Plan</strong></p><p>use snake_case_names</p>');
  });
});
