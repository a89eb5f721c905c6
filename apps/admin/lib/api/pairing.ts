import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type PairingApproveRequest, type PairingRequest, pairingEvent } from '@contract/access.schemas';
import { ADMIN_ROUTES } from '@contract/routes';
import { apiUrl, call } from './client';

const key = ['pairing'] as const;

export function usePairingRequests() {
  return useQuery({ queryKey: key, queryFn: () => call(ADMIN_ROUTES.pairingList) });
}

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * Keeps the pending list current from the server-sent events feed: a new request is added to the
 * list as it arrives, a decided or expired one leaves it. EventSource reconnects by itself; the
 * list is fetched again on each (re)connection so nothing sent meanwhile is missed.
 */
export function usePairingFeed(): LiveState {
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const source = new EventSource(apiUrl(ADMIN_ROUTES.pairingEvents.path), { withCredentials: true });
    const update = (change: (items: PairingRequest[]) => PairingRequest[]) =>
      client.setQueryData<{ items: PairingRequest[] }>(key, (current) => ({ items: change(current?.items ?? []) }));
    source.onopen = () => {
      setState('live');
      void client.invalidateQueries({ queryKey: key });
    };
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    // Each event's data is the whole PairingEvent; anything else is ignored.
    const onEvent = (message: MessageEvent<string>) => {
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      const parsed = pairingEvent.safeParse(data);
      if (!parsed.success) return;
      const event = parsed.data;
      if (event.type === 'pairing.requested') update((items) => [event.request, ...items.filter((item) => item.id !== event.request.id)]);
      else update((items) => items.filter((item) => item.id !== event.id));
    };
    source.addEventListener('pairing.requested', onEvent);
    source.addEventListener('pairing.resolved', onEvent);
    return () => source.close();
  }, [client]);
  return state;
}

export function useApprovePairing() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PairingApproveRequest) => call(ADMIN_ROUTES.pairingApprove, { body }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useDenyPairing() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(ADMIN_ROUTES.pairingDeny, { params: { id } }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}
