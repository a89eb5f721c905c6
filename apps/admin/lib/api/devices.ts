import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ADMIN_ROUTES } from '@contract/routes';
import { call } from './client';

const key = ['devices'] as const;

export function useDevices() {
  return useQuery({ queryKey: key, queryFn: () => call(ADMIN_ROUTES.deviceList) });
}

function useDeviceAction<T>(action: (id: string) => Promise<T>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: action, onSuccess: () => client.invalidateQueries({ queryKey: key }) });
}

export const useApproveDevice = () => useDeviceAction((requestId) => call(ADMIN_ROUTES.deviceApprove, { params: { requestId } }));
export const useRejectDevice = () => useDeviceAction((requestId) => call(ADMIN_ROUTES.deviceReject, { params: { requestId } }));
export const useRevokeDevice = () => useDeviceAction((deviceId) => call(ADMIN_ROUTES.deviceRevoke, { params: { deviceId } }));
