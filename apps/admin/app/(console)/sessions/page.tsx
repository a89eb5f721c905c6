'use client';

import { useState } from 'react';
import { Group, Select } from '@mantine/core';
import { PageHeader } from '@/components/page-header';
import { Screen } from '@/components/screen';
import { SearchInput } from '@/components/search-input';
import { SessionsTable, type SessionFilters } from './_components/sessions-table';

const PLATFORMS = ['telegram', 'slack', 'discord', 'whatsapp', 'dingtalk', 'feishu', 'wecom', 'webchat'];

export default function SessionsPage() {
  const [filters, setFilters] = useState<SessionFilters>({});
  // Keeps the same object when nothing changed, so the table does not go back to page 1 for nothing.
  const set = (key: keyof SessionFilters) => (value: string | null) => setFilters((f) => (f[key] === (value || undefined) ? f : { ...f, [key]: value || undefined }));
  return (
    <Screen title="Sessions" permission="sessions.read">
      <PageHeader title="Sessions" description="Conversations the agent holds, one per chat (and thread). Open one to read its transcript." />
      <Group mb="md" gap="sm">
        <SearchInput label="Search message text" onSearch={set('text')} />
        <SearchInput label="User id" onSearch={set('userId')} w={180} />
        <SearchInput label="Chat id" onSearch={set('chatId')} w={180} />
        <Select aria-label="Platform" placeholder="All platforms" data={PLATFORMS} value={filters.platform ?? null} onChange={set('platform')} clearable w={180} />
      </Group>
      <SessionsTable filters={filters} />
    </Screen>
  );
}
