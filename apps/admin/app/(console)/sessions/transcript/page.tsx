'use client';

import { Suspense } from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Anchor, Badge, Code, Group, Paper, Stack, Text } from '@mantine/core';
import { ConfirmAction } from '@/components/confirm-action';
import { useNotify } from '@/components/notifications';
import { PageHeader } from '@/components/page-header';
import { Screen } from '@/components/screen';
import { Empty, ErrorState, LoadingState } from '@/components/states';
import { useDeleteSession, useResetSession, useSessionDetail } from '@/lib/api/sessions';
import { formatDateTime } from '@/lib/format';
import { Can } from '@/lib/session-context';
import { MessageList } from './_components/message-list';

function Transcript() {
  const id = useSearchParams().get('id');
  const router = useRouter();
  const notify = useNotify();
  const detail = useSessionDetail(id);
  const reset = useResetSession();
  const remove = useDeleteSession();
  if (!id) return <Empty title="No session chosen" description="Open a session from the list." />;
  if (detail.isPending) return <LoadingState />;
  if (detail.error) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  const { session, messages } = detail.data;
  return (
    <>
      <PageHeader
        title={`${session.platform} ${session.chatType} ${session.chatId}`}
        description={
          <>
            Session <Code>{session.key}</Code> · started {formatDateTime(session.createdAt)} · last activity {formatDateTime(session.lastActivityAt)}
            {session.resetAt && <> · reset {formatDateTime(session.resetAt)}</>}
          </>
        }
        actions={
          <>
            <Can permission="sessions.reset">
              <ConfirmAction
                label="Reset"
                title="Reset this session?"
                confirmLabel="Reset"
                buttonProps={{ size: 'sm', variant: 'default', color: 'gray' }}
                onConfirm={async () => {
                  await reset.mutateAsync(session.id);
                  notify.success('Session reset', 'The next message starts a fresh conversation.');
                }}
              >
                The agent forgets this conversation: the next message starts afresh. The transcript stays.
              </ConfirmAction>
            </Can>
            <Can permission="sessions.delete">
              <ConfirmAction
                label="Delete"
                title="Delete this session?"
                confirmLabel="Delete session"
                buttonProps={{ size: 'sm', variant: 'filled', color: 'red.9' }}
                onConfirm={async () => {
                  await remove.mutateAsync(session.id);
                  notify.success('Session deleted');
                  router.replace('/sessions/');
                }}
              >
                The session and all {messages.length} of its messages are deleted for good.
              </ConfirmAction>
            </Can>
          </>
        }
      />
      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" mb="md">
          <Group gap="xs">
            <Badge variant="light" radius="sm">
              {session.platform}
            </Badge>
            <Text size="sm" c="dimmed">
              account {session.accountId}
              {session.threadId && ` · thread ${session.threadId}`}
            </Text>
          </Group>
          <Text size="sm" c="dimmed">
            {messages.length} message(s), oldest first
          </Text>
        </Group>
        <MessageList messages={messages} />
      </Paper>
    </>
  );
}

export default function TranscriptPage() {
  return (
    <Screen title="Transcript" permission="sessions.read">
      <Stack gap={0}>
        <Anchor component={Link} href="/sessions/" size="sm" mb="xs">
          ← All sessions
        </Anchor>
        <Suspense fallback={<LoadingState />}>
          <Transcript />
        </Suspense>
      </Stack>
    </Screen>
  );
}
