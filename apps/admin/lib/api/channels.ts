import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ADMIN_ROUTES } from '@contract/routes';
import { call } from './client';

const key = ['channels'] as const;

export function useChannels() {
  return useQuery({ queryKey: key, queryFn: () => call(ADMIN_ROUTES.channelList), refetchInterval: 15_000 });
}

/** Switches a channel on or off on every replica. */
export function useSetChannelEnabled() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ platform, enabled }: { platform: string; enabled: boolean }) => call(ADMIN_ROUTES.channelUpdate, { params: { platform }, body: { enabled } }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}
