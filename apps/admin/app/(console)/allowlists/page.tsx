'use client';

import { useState } from 'react';
import { Button, Group, Select } from '@mantine/core';
import { Icon } from '@/components/icons';
import { PageHeader } from '@/components/page-header';
import { Screen } from '@/components/screen';
import { SearchInput } from '@/components/search-input';
import { allowlistExportUrl } from '@/lib/api/allowlist';
import { Can } from '@/lib/session-context';
import { AddEntryButton } from './_components/add-entry-button';
import { AllowlistTable } from './_components/allowlist-table';
import { ImportButton } from './_components/import-button';
import { PLATFORM_CHOICES } from './_components/platforms';

export default function AllowlistsPage() {
  const [search, setSearch] = useState('');
  const [platform, setPlatform] = useState<string | null>(null);
  return (
    <Screen title="Allowlists" permission="allowlist.read">
      <PageHeader
        title="Allowlists"
        description="People allowed to talk to the agent, per platform. Changes apply at once on every replica."
        actions={
          <>
            <Button component="a" href={allowlistExportUrl(platform ?? undefined)} download variant="default" leftSection={<Icon name="download" size={16} />}>
              Export CSV
            </Button>
            <Can permission="allowlist.write">
              <ImportButton />
              <AddEntryButton />
            </Can>
          </>
        }
      />
      <Group mb="md">
        <SearchInput label="Search user ids and notes" onSearch={setSearch} />
        <Select aria-label="Platform" placeholder="All platforms" data={PLATFORM_CHOICES} value={platform} onChange={setPlatform} clearable w={200} />
      </Group>
      <AllowlistTable search={search} platform={platform} />
    </Screen>
  );
}
