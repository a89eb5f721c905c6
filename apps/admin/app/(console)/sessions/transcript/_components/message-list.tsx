import { Badge, Group, Paper, Stack, Text } from '@mantine/core';
import type { TranscriptMessage } from '@contract/sessions.schemas';
import { Empty } from '@/components/states';
import { formatBytes, formatDateTime } from '@/lib/format';

/** The conversation as bubbles: people on the left, the agent on the right. */
export function MessageList({ messages }: { messages: TranscriptMessage[] }) {
  if (messages.length === 0) return <Empty title="No message in this session" />;
  return (
    <Stack gap="sm" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Transcript">
      {messages.map((message) => {
        const inbound = message.direction === 'inbound';
        return (
          <li key={message.id} style={{ display: 'flex', justifyContent: inbound ? 'flex-start' : 'flex-end' }}>
            <Paper p="sm" radius="lg" maw="75%" bg={inbound ? 'var(--mantine-color-default-hover)' : 'var(--mantine-primary-color-light)'}>
              <Group gap="xs" mb={4}>
                <Text size="xs" fw={700}>
                  {inbound ? (message.senderName ?? message.senderId ?? 'user') : 'agent'}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatDateTime(message.createdAt)}
                </Text>
              </Group>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                {message.text}
              </Text>
              {message.attachments.length > 0 && (
                <Group gap={6} mt={6}>
                  {message.attachments.map((a, i) => (
                    <Badge key={i} variant="default" radius="sm" tt="none">
                      {a.kind}: {a.fileName ?? 'unnamed'} · {a.mimeType ?? 'unknown type'} · {formatBytes(a.sizeBytes)}
                    </Badge>
                  ))}
                </Group>
              )}
            </Paper>
          </li>
        );
      })}
    </Stack>
  );
}
