import type { CallToolResult, CompatibilityCallToolResult, ContentBlock } from '@modelcontextprotocol/sdk/types.js';
import { formatBytes } from '@switchboard/core';
import type { ToolResult } from '../agent-tool';

/**
 * What the model is told of an MCP tool's result: its text blocks, a short note for each image,
 * audio clip or binary resource (the model gets no media from tools), and `isError` as given.
 */
export function toToolResult(result: CallToolResult | CompatibilityCallToolResult): ToolResult {
  // Servers of the 2024-10-07 protocol answer { toolResult } instead of content blocks.
  if (!('content' in result)) return { content: JSON.stringify(result.toolResult ?? null) };
  const call = result as CallToolResult;
  const parts = call.content.map(describeBlock);
  if (!parts.length && call.structuredContent) parts.push(JSON.stringify(call.structuredContent));
  return { content: parts.join('\n'), ...(call.isError ? { isError: true } : {}) };
}

function describeBlock(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType}, ${formatBytes(base64Bytes(block.data))}, not shown]`;
    case 'resource_link':
      return `[resource ${block.name}: ${block.uri}]`;
    case 'resource': {
      const resource = block.resource;
      if ('text' in resource) return resource.text;
      return `[resource ${resource.uri}${resource.mimeType ? ` ${resource.mimeType}` : ''}, ${formatBytes(base64Bytes(resource.blob))}, not shown]`;
    }
  }
}

function base64Bytes(data: string): number {
  return Math.floor((data.replace(/=+$/, '').length * 3) / 4);
}
