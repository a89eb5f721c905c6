'use client';

import { SimpleGrid } from '@mantine/core';
import { PageHeader } from '@/components/page-header';
import { Screen } from '@/components/screen';
import { Empty, ErrorState, LoadingState } from '@/components/states';
import { useChannels } from '@/lib/api/channels';
import { ChannelCard } from './_components/channel-card';

function Channels() {
  const channels = useChannels();
  if (channels.isPending) return <LoadingState />;
  if (channels.error) return <ErrorState error={channels.error} onRetry={() => void channels.refetch()} />;
  if (channels.data.items.length === 0) return <Empty title="No channel configured" description="Set a platform's token in the configuration (e.g. TELEGRAM_BOT_TOKEN) and restart." />;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      {channels.data.items.map((channel) => (
        <ChannelCard key={channel.platform} channel={channel} />
      ))}
    </SimpleGrid>
  );
}

export default function ChannelsPage() {
  return (
    <Screen title="Channels" permission="channels.read">
      <PageHeader title="Channels" description="The chat platforms this gateway is connected to, their health (the same probe /ready uses) and their configuration with secrets masked. A disabled channel stops receiving on every replica until it is enabled again." />
      <Channels />
    </Screen>
  );
}
