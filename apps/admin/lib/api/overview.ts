import { useQuery } from '@tanstack/react-query';
import { ADMIN_ROUTES } from '@contract/routes';
import { call } from './client';

export function useOverview() {
  return useQuery({ queryKey: ['overview'], queryFn: () => call(ADMIN_ROUTES.overview), refetchInterval: 15_000 });
}
