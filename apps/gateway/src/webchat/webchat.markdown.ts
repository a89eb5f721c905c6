/**
 * The Markdown subset the web chat renders in replies: fenced code blocks, inline code, bold,
 * italic, http(s) links, bullet and numbered lists, headings (as bold lines) and paragraphs.
 * The whole text is HTML-escaped first; the markup added afterwards is the only markup in the
 * result, so the page can assign it to innerHTML. A link is made only for an http(s) address.
 *
 * The browser runs this very function (`webchat.script.ts` embeds its source), so it must stay
 * self-contained: no imports, no helpers outside its body, ES2020.
 */
export function renderMarkdown(source: string): string {
  const escapeHtml = (text: string): string =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  const FENCE = /^\s*(`{3,}|~{3,})/;
  const BULLET = /^\s*[-*+]\s+(.*)$/;
  const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/;
  const HEADING = /^\s*#{1,6}\s+(.*)$/;

  // Code spans and links are set aside first (as numbered private-use characters, taken out of
  // the input), so that emphasis never reaches inside them.
  function inline(text: string): string {
    const kept: string[] = [];
    const keep = (html: string): string => `\uE000${kept.push(html) - 1}\uE001`;
    let out = text
      .replace(/`([^`\n]+)`/g, (_match, code: string) => keep(`<code>${code}</code>`))
      .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s()]+)\)/g, (_match, label: string, href: string) =>
        keep(`<a href="${href}" target="_blank" rel="noopener noreferrer">${label}</a>`),
      )
      // A bare address, up to a space, an escaped quote or bracket, or trailing punctuation.
      .replace(/\bhttps?:\/\/(?:(?!&quot;|&#39;|&gt;)[^\s<])*[^\s<.,;:!?)'"&]/g, (href: string) =>
        keep(`<a href="${href}" target="_blank" rel="noopener noreferrer">${href}</a>`),
      );
    out = out
      .replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, '<strong>$1</strong>')
      .replace(/__(?=\S)([^_\n]*?\S)__/g, '<strong>$1</strong>')
      .replace(/(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?![*\w])/g, '$1<em>$2</em>')
      .replace(/(^|[^_\w])_(?=\S)([^_\n]*?\S)_(?![_\w])/g, '$1<em>$2</em>');
    return out.replace(/\uE000(\d+)\uE001/g, (_match, index: string) => kept[Number(index)]);
  }

  const lines = escapeHtml(source.replace(/[\uE000\uE001]/g, '')).split(/\r?\n/);
  const blocks: string[] = [];
  let paragraph: string[] = [];
  let list: { tag: 'ul' | 'ol'; items: string[] } | null = null;
  const endParagraph = (): void => {
    if (paragraph.length) blocks.push(`<p>${paragraph.map(inline).join('<br>')}</p>`);
    paragraph = [];
  };
  const endList = (): void => {
    if (list) blocks.push(`<${list.tag}>${list.items.map((item) => `<li>${inline(item)}</li>`).join('')}</${list.tag}>`);
    list = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      endParagraph();
      endList();
      const code: string[] = [];
      // An unclosed fence (a reply still streaming) runs to the end.
      while (++i < lines.length && !lines[i].trim().startsWith(fence[1])) code.push(lines[i]);
      blocks.push(`<pre><code>${code.join('\n')}</code></pre>`);
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      endParagraph();
      const tag = bullet ? 'ul' : 'ol';
      if (list && list.tag !== tag) endList();
      list ??= { tag, items: [] };
      list.items.push((bullet ?? numbered)![1]);
      continue;
    }
    if (!line.trim()) {
      endParagraph();
      endList();
      continue;
    }
    endList();
    const heading = HEADING.exec(line);
    if (heading) {
      endParagraph();
      blocks.push(`<p><strong>${inline(heading[1])}</strong></p>`);
      continue;
    }
    paragraph.push(line);
  }
  endParagraph();
  endList();
  return blocks.join('');
}
