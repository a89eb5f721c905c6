import { describe, expect, it } from 'vitest';
import { toToolResult } from './mcp-tool-result';

describe('toToolResult', () => {
  it('joins text blocks and notes media and binary resources the model cannot see', () => {
    const result = toToolResult({
      content: [
        { type: 'text', text: 'first' },
        { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
        { type: 'resource_link', name: 'report', uri: 'file:///srv/report.pdf' },
        { type: 'resource', resource: { uri: 'file:///srv/notes.txt', text: 'the notes' } },
        { type: 'resource', resource: { uri: 'file:///srv/logo.png', mimeType: 'image/png', blob: 'AAAAAAAA' } },
      ],
    });
    expect(result).toEqual({
      content: 'first\n[audio audio/wav, 3 B, not shown]\n[resource report: file:///srv/report.pdf]\nthe notes\n[resource file:///srv/logo.png image/png, 6 B, not shown]',
    });
  });

  it('keeps isError, and gives structured content as JSON when there are no blocks', () => {
    expect(toToolResult({ content: [{ type: 'text', text: 'no such file' }], isError: true })).toEqual({ content: 'no such file', isError: true });
    expect(toToolResult({ content: [], structuredContent: { temperature: 21 } })).toEqual({ content: '{"temperature":21}' });
  });

  it('reads the toolResult of servers on the 2024-10-07 protocol', () => {
    expect(toToolResult({ toolResult: { ok: true } })).toEqual({ content: '{"ok":true}' });
  });
});
