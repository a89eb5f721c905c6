'use client';

import { Button } from '@mantine/core';
import type { ChannelState } from '@contract/settings.schemas';
import { ConfirmAction } from '@/components/confirm-action';
import { useNotify } from '@/components/notifications';
import { useSetChannelEnabled } from '@/lib/api/channels';
import { errorMessage } from '@/lib/api/client';

/** Disables a channel (after a confirmation) or enables it again, on every replica. */
export function ChannelSwitch({ channel }: { channel: ChannelState }) {
  const toggle = useSetChannelEnabled();
  const notify = useNotify();
  if (!channel.enabled) {
    return (
      <Button
        size="xs"
        variant="light"
        loading={toggle.isPending}
        aria-label={`Enable ${channel.platform}`}
        onClick={() =>
          toggle.mutate(
            { platform: channel.platform, enabled: true },
            {
              onSuccess: () => notify.success(`${channel.platform} enabled`, 'It starts receiving again on every replica.'),
              onError: (error) => notify.failure(`${channel.platform} not enabled`, errorMessage(error)),
            },
          )
        }
      >
        Enable
      </Button>
    );
  }
  return (
    <ConfirmAction
      label="Disable"
      ariaLabel={`Disable ${channel.platform}`}
      title={`Disable ${channel.platform}?`}
      confirmLabel="Disable channel"
      onConfirm={async () => {
        await toggle.mutateAsync({ platform: channel.platform, enabled: false });
        notify.success(`${channel.platform} disabled`, 'It stopped receiving on every replica.');
      }}
    >
      Every replica stops receiving from {channel.platform} at once: a long connection is closed and its webhook answers 503, so the platform keeps
      new messages and delivers them again once the channel is enabled (for as long as the platform keeps them). Replies already queued are still sent.
    </ConfirmAction>
  );
}
